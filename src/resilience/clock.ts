/**
 * Where a breaker gets the time. Wall-clock milliseconds (not a monotonic clock) because the
 * times a breaker reports — "open until 12:00:05Z" — are read by people and by other
 * processes restoring a snapshot. Tests pass a ManualClock and move time themselves.
 */
export interface Clock {
  /** Milliseconds since the epoch. Read twice per call in the closed state, so it must be cheap. */
  now(): number;
}

/** Date.now(): exact, about 30 ns a read. */
export const systemClock: Clock = { now: Date.now };

/** How stale coarseClock may be. */
export const COARSE_RESOLUTION_MS = 25;
/** Idle reads-free ticks after which coarseClock's timer stops (restarted by the next read). */
const IDLE_TICKS = 400;

let cached = 0;
let timer: NodeJS.Timeout | undefined;
let readSinceTick = false;
let idleTicks = 0;

function tick(): void {
  cached = Date.now();
  if (readSinceTick) {
    readSinceTick = false;
    idleTicks = 0;
  } else if (++idleTicks >= IDLE_TICKS && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/**
 * Date.now() cached and refreshed every COARSE_RESOLUTION_MS by one shared, unref'd timer that
 * stops after ten idle seconds — the way nginx caches its time per loop iteration. A read is a
 * variable load instead of a system clock call, which halves a breaker's closed-state overhead
 * (two reads a call). Breakers use it whenever their slow-call threshold is at least a second,
 * where 25 ms of error cannot matter; the time window's buckets are a second wide too.
 */
export const coarseClock: Clock = {
  now(): number {
    if (timer === undefined) {
      cached = Date.now();
      timer = setInterval(tick, COARSE_RESOLUTION_MS);
      timer.unref();
    }
    readSinceTick = true;
    return cached;
  },
};

/** A clock that moves only when told to: every time-dependent transition becomes a plain assertion. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
