/**
 * One circuit breaker: the state machine closed → open → half-open → closed (or open again,
 * for longer), plus the states operators force. Two ways to use it:
 *
 *   breaker.execute(fn)                        — every thrown error counts as a failure
 *   t = breaker.tryAcquire(); …; breaker.record(t, failed, ms)   — the caller decides what
 *                                                a failure is (src/http/client.ts: 5xx, not 4xx)
 *
 * Each state holds only its own fields (inner-state.ts): a transition swaps the whole state.
 * The closed state is the hot path: admitting a call is one field comparison; recording it
 * is a ring-buffer write, and the rates are judged only after a failed or slow call (or the
 * call that fills the window to its minimum): a success cannot push a rate up. Time-dependent
 * transitions (open → half-open) happen lazily when a call or a reader looks, so a breaker
 * owns no timers and a ManualClock drives every transition in tests.
 */
import { adaptedNote, percent, tightened } from './adaptive';
import { openDurationMs } from './backoff';
import { coarseClock, systemClock, type Clock } from './clock';
import { CountWindow } from './count-window';
import { BreakerOpenError } from './errors';
import { EventSource } from './events';
import { NO_TRIALS } from './half-open';
import { CLOSED, fromSnapshot, halfOpen, historyOf, type InnerState } from './inner-state';
import { NO_LOAD, type LoadSource } from './load';
import { resolveOptions, type BreakerOptions } from './options';
import { describeRejection } from './rejection';
import type { BreakerMetrics, BreakerTotals } from './metrics';
import type { BreakerSnapshot } from './snapshot';
import { FORCED_MODE, type BreakerState, type ForcedState, type OverrideInfo, type Rejection, type StateChange } from './states';
import { TimeWindow } from './time-window';
import { FAILED, SLOW, type SlidingWindow } from './window';

export interface BreakerInit {
  /** What it protects, e.g. the URL origin `https://api.example.com`; named in every rejection. */
  name: string;
  options?: Partial<BreakerOptions>;
  /** Default: coarseClock (25 ms resolution), or the exact system clock when slowCallDurationMs < 1 s. */
  clock?: Clock;
  /** Host pressure for adaptive thresholds. Default: none (never adapts). */
  load?: LoadSource;
  /** Continue from a saved state (see snapshot.ts). */
  restore?: BreakerSnapshot;
}

/** tryAcquire's answer when the call may not go ahead. */
export const REJECTED = -1;

export class CircuitBreaker {
  readonly name: string;
  readonly options: BreakerOptions;
  readonly totals: BreakerTotals = { calls: 0, successes: 0, failures: 0, slowCalls: 0, rejections: 0, ignored: 0, stateChanges: 0 };
  private readonly stateChanges = new EventSource<StateChange>();
  private readonly rejections = new EventSource<Rejection>();
  /** `breaker.onStateChange(listener)`: every transition, with its reason. */
  readonly onStateChange = this.stateChanges.subscribe;
  /** `breaker.onRejected(listener)`: every call not let through. */
  readonly onRejected = this.rejections.subscribe;

  private inner: InnerState = CLOSED;
  /** Bumped on every transition: a result admitted under an older generation counts for nothing. */
  private generation = 0;
  private readonly window: SlidingWindow;
  private readonly clock: Clock;
  private readonly load: LoadSource;

  constructor(init: BreakerInit) {
    this.name = init.name;
    this.options = resolveOptions(init.options);
    this.clock = init.clock ?? (this.options.slowCallDurationMs < 1000 ? systemClock : coarseClock);
    this.load = init.load ?? NO_LOAD;
    const { type, size } = this.options.window;
    const saved = init.restore?.window;
    this.window = type === 'count' ? CountWindow.restore(size, saved) : TimeWindow.restore(size, saved);
    if (init.restore) this.inner = fromSnapshot(init.restore, this.options.halfOpenCalls);
  }

  /** The current state; an open breaker whose open duration has passed reads as half-open. */
  get state(): BreakerState {
    return this.settled().mode;
  }

  /** A ticket to pass to record()/release(), or REJECTED (then rejection() says why). */
  tryAcquire(): number {
    if (this.inner.mode === 'closed') return this.generation;
    return this.acquireSlowly();
  }

  /**
   * The outcome of an admitted call. `failed`: the caller's verdict; `durationMs` decides
   * whether it was slow. `now` saves a clock read when the caller has one.
   */
  record(ticket: number, failed: boolean, durationMs: number, now?: number): void {
    if (ticket !== this.generation) {
      if (ticket >= 0) this.totals.ignored++;
      return;
    }
    const s = this.inner;
    if (s.mode === 'disabled') return;
    const slow = durationMs >= this.options.slowCallDurationMs;
    const totals = this.totals;
    totals.calls++;
    if (failed) totals.failures++;
    else totals.successes++;
    if (slow) totals.slowCalls++;
    const outcome = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    if (s.mode === 'closed') {
      this.window.record(outcome, now ?? (this.window.kind === 'time' ? this.clock.now() : 0));
      // A success can only lower the rates, except the one that brings the window to its minimum.
      if (outcome !== 0 || this.window.calls === this.options.minimumCalls) this.judgeWindow();
    } else if (s.mode === 'half-open') {
      this.judgeTrial(s, failed, slow);
    } else if (s.mode === 'forced-closed') {
      // Still counted, so metrics show what the destination does while an operator holds it closed.
      this.window.record(outcome, now ?? this.clock.now());
    }
  }

  /** An admitted call that ended without an outcome (its caller cancelled it): frees a half-open trial slot. */
  release(ticket: number): void {
    if (ticket !== this.generation) return;
    this.totals.ignored++;
    const s = this.inner;
    if (s.mode === 'half-open') s.trials.release();
  }

  /** Why a call is being rejected right now (for the error the caller throws). */
  rejection(): Rejection {
    return describeRejection(this.name, this.settled(), this.clock.now(), this.options.halfOpenCalls);
  }

  /** Runs `fn` through the breaker; a rejected call throws BreakerOpenError without calling `fn`. */
  async execute<T>(fn: () => PromiseLike<T> | T, isFailure?: (error: unknown) => boolean): Promise<T> {
    const ticket = this.inner.mode === 'closed' ? this.generation : this.acquireSlowly();
    if (ticket === REJECTED) throw new BreakerOpenError(this.rejection());
    if (this.inner.mode === 'disabled') return fn();
    const clock = this.clock;
    const started = clock.now();
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      const ended = clock.now();
      this.record(ticket, isFailure ? isFailure(error) : true, ended - started, ended);
      throw error;
    }
    const ended = clock.now();
    this.record(ticket, false, ended - started, ended);
    return value;
  }

  /** An operator's override: stays until reset(). */
  force(state: ForcedState, by: OverrideInfo): void {
    this.transition({ mode: FORCED_MODE[state], forcedBy: by, ...historyOf(this.inner) }, `forced ${state} by ${by.by}${by.reason ? ` (${by.reason})` : ''}`);
  }

  /** Back to automatic operation, closed with an empty window and no trip history. */
  reset(by?: OverrideInfo): void {
    this.window.clear();
    this.transition(CLOSED, by ? `reset by ${by.by}${by.reason ? ` (${by.reason})` : ''}` : 'reset');
  }

  /** Who forced the current state, when an operator did. */
  get override(): OverrideInfo | undefined {
    return forcedByOf(this.inner);
  }

  /** Everything a dashboard needs, read without changing anything but a due half-open. */
  metrics(): BreakerMetrics {
    const s = this.settled();
    const state = s.mode;
    const now = this.clock.now();
    this.window.advance(now);
    const { calls, failures, slowCalls } = this.window;
    const pressure = this.load.pressure;
    const o = this.options;
    return {
      name: this.name,
      state,
      at: now,
      ...reported(s),
      window: {
        kind: this.window.kind,
        size: o.window.size,
        calls,
        failures,
        slowCalls,
        failureRate: calls ? failures / calls : 0,
        slowCallRate: calls ? slowCalls / calls : 0,
      },
      thresholds: {
        failureRate: tightened(o.failureRateThreshold, o.adaptiveTightening, pressure),
        slowCallRate: tightened(o.slowCallRateThreshold, o.adaptiveTightening, pressure),
        pressure,
      },
      halfOpen: s.mode === 'half-open' ? s.trials.counts() : { ...NO_TRIALS },
      totals: { ...this.totals },
    };
  }

  /** The state as JSON, to be given back as `restore` (another process, a later start). */
  toJSON(): BreakerSnapshot {
    const s = this.settled();
    return {
      version: 1,
      name: this.name,
      state: s.mode,
      savedAt: this.clock.now(),
      ...reported(s),
      window: this.window.toJSON(),
    };
  }

  private acquireSlowly(): number {
    const s = this.settled();
    switch (s.mode) {
      case 'closed':
      case 'forced-closed':
      case 'disabled':
        return this.generation;
      case 'half-open':
        return s.trials.tryAdmit() ? this.generation : this.reject();
      default:
        return this.reject();
    }
  }

  private reject(): number {
    this.totals.rejections++;
    if (this.rejections.size > 0) this.rejections.emit(this.rejection());
    return REJECTED;
  }

  /** Closed: has a rate reached its threshold, adapted to the host's pressure right now? */
  private judgeWindow(): void {
    const { calls, failures, slowCalls } = this.window;
    const o = this.options;
    if (calls < o.minimumCalls) return;
    const pressure = this.load.pressure;
    const failureLimit = tightened(o.failureRateThreshold, o.adaptiveTightening, pressure);
    const slowLimit = tightened(o.slowCallRateThreshold, o.adaptiveTightening, pressure);
    if (failures / calls >= failureLimit)
      this.trip(
        `${failures} of the last ${calls} calls failed (threshold ${percent(failureLimit)}${adaptedNote(o.failureRateThreshold, o.adaptiveTightening, pressure)})`,
      );
    else if (slowCalls / calls >= slowLimit)
      this.trip(
        `${slowCalls} of the last ${calls} calls took ≥ ${o.slowCallDurationMs}ms (threshold ${percent(slowLimit)}${adaptedNote(o.slowCallRateThreshold, o.adaptiveTightening, pressure)})`,
      );
  }

  /** Half-open: the trials' verdict, once they have one. */
  private judgeTrial(s: Extract<InnerState, { mode: 'half-open' }>, failed: boolean, slow: boolean): void {
    const o = this.options;
    const pressure = this.load.pressure;
    const verdict = s.trials.record(
      failed,
      slow,
      tightened(o.failureRateThreshold, o.adaptiveTightening, pressure),
      tightened(o.slowCallRateThreshold, o.adaptiveTightening, pressure),
    );
    if (verdict?.decision === 'open') this.trip(verdict.reason);
    else if (verdict?.decision === 'close') {
      this.window.clear();
      this.transition(CLOSED, verdict.reason);
    }
  }

  private trip(reason: string): void {
    const consecutiveTrips = historyOf(this.inner).consecutiveTrips + 1;
    const duration = openDurationMs(consecutiveTrips, this.options);
    this.transition(
      { mode: 'open', openUntil: this.clock.now() + duration, consecutiveTrips, lastTrip: reason },
      `${reason}; open for ${duration}ms${consecutiveTrips > 1 ? ` (trip ${consecutiveTrips} in a row)` : ''}`,
    );
  }

  /** The current state, after the one lazy transition: an open breaker whose open duration has passed becomes half-open. */
  private settled(): InnerState {
    const s = this.inner;
    if (s.mode === 'open' && this.clock.now() >= s.openUntil) this.transition(halfOpen(historyOf(s), this.options.halfOpenCalls), 'the open duration elapsed');
    return this.inner;
  }

  /** A new generation: tickets admitted under the old state count for nothing. */
  private transition(to: InnerState, reason: string): void {
    const from = this.inner.mode;
    this.inner = to;
    this.generation++;
    this.totals.stateChanges++;
    if (this.stateChanges.size > 0) this.stateChanges.emit({ breaker: this.name, from, to: to.mode, at: this.clock.now(), reason });
  }
}

function forcedByOf(s: InnerState): OverrideInfo | undefined {
  return 'forcedBy' in s ? s.forcedBy : undefined;
}

/** The fields metrics and snapshots report: each read from the state that owns it. */
function reported(s: InnerState): { consecutiveTrips: number; openUntil?: number; lastTrip?: string; forcedBy?: OverrideInfo } {
  const { consecutiveTrips, lastTrip } = historyOf(s);
  const forcedBy = forcedByOf(s);
  return {
    consecutiveTrips,
    ...(s.mode === 'open' ? { openUntil: s.openUntil } : {}),
    ...(lastTrip ? { lastTrip } : {}),
    ...(forcedBy ? { forcedBy } : {}),
  };
}
