/**
 * Traffic over the last N seconds with bounded memory: a ring of 60 one-second slots, each
 * holding request and error counts and a latency histogram. Recording touches one slot;
 * a slot is wiped when the clock comes round to it again, so memory never grows with
 * traffic. A window of W seconds sums the slots of the last W seconds (the current, still
 * filling second included).
 */
import { BUCKET_COUNT, Histogram, bucketIndex } from './histogram';

export const WINDOW_SLOTS = 60;

/** Why a request counts as an error. */
export const ERROR_KINDS = ['status5xx', 'connect', 'timeout', 'aborted', 'upstream'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
/** Index into ERROR_KINDS, or NO_ERROR. */
export const NO_ERROR = -1;
export const ERROR_INDEX: Record<ErrorKind, number> = { status5xx: 0, connect: 1, timeout: 2, aborted: 3, upstream: 4 };

/** Status classes; `none` is a request that got no status (connection reset). */
export const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export function statusClassIndex(status: number): number {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? c : 0;
}

export interface WindowSnapshot {
  seconds: number;
  requests: number;
  errors: number;
  errorsByKind: Record<ErrorKind, number>;
  statusClasses: Record<string, number>;
  histogram: Histogram;
  /** Oldest first: one entry per second of the window that saw traffic. */
  series: Array<{ second: number; requests: number; errors: number; meanMs: number }>;
}

export class SlidingWindow {
  private readonly slotSecond = new Float64Array(WINDOW_SLOTS).fill(-1);
  private readonly requests = new Float64Array(WINDOW_SLOTS);
  private readonly errors = new Float64Array(WINDOW_SLOTS * ERROR_KINDS.length);
  private readonly statuses = new Float64Array(WINDOW_SLOTS * STATUS_CLASSES.length);
  private readonly sumUs = new Float64Array(WINDOW_SLOTS);
  private readonly maxUs = new Float64Array(WINDOW_SLOTS);
  private readonly buckets = new Uint32Array(WINDOW_SLOTS * BUCKET_COUNT);

  /** `second` is whole Unix seconds; `errorIndex` is from ERROR_INDEX or NO_ERROR. */
  record(second: number, latencyUs: number, status: number, errorIndex: number): void {
    const slot = second % WINDOW_SLOTS;
    if (this.slotSecond[slot] !== second) this.reset(slot, second);
    this.requests[slot]++;
    if (errorIndex >= 0) this.errors[slot * ERROR_KINDS.length + errorIndex]++;
    this.statuses[slot * STATUS_CLASSES.length + statusClassIndex(status)]++;
    this.sumUs[slot] += latencyUs;
    if (latencyUs > this.maxUs[slot]) this.maxUs[slot] = latencyUs;
    this.buckets[slot * BUCKET_COUNT + bucketIndex(latencyUs)]++;
  }

  private reset(slot: number, second: number): void {
    this.slotSecond[slot] = second;
    this.requests[slot] = 0;
    this.errors.fill(0, slot * ERROR_KINDS.length, (slot + 1) * ERROR_KINDS.length);
    this.statuses.fill(0, slot * STATUS_CLASSES.length, (slot + 1) * STATUS_CLASSES.length);
    this.sumUs[slot] = 0;
    this.maxUs[slot] = 0;
    this.buckets.fill(0, slot * BUCKET_COUNT, (slot + 1) * BUCKET_COUNT);
  }

  /** The last `seconds` seconds (1-60) ending with `nowSecond`. */
  snapshot(nowSecond: number, seconds: number): WindowSnapshot {
    const span = Math.max(1, Math.min(WINDOW_SLOTS, Math.floor(seconds)));
    const histogram = new Histogram();
    const errorsByKind = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
    const statusClasses: Record<string, number> = Object.fromEntries(STATUS_CLASSES.map((c) => [c, 0]));
    const series: WindowSnapshot['series'] = [];
    let requests = 0;
    let errors = 0;
    for (let second = nowSecond - span + 1; second <= nowSecond; second++) {
      const slot = second % WINDOW_SLOTS;
      if (this.slotSecond[slot] !== second || this.requests[slot] === 0) continue;
      const n = this.requests[slot];
      let slotErrors = 0;
      ERROR_KINDS.forEach((kind, k) => {
        const e = this.errors[slot * ERROR_KINDS.length + k];
        errorsByKind[kind] += e;
        slotErrors += e;
      });
      STATUS_CLASSES.forEach((c, k) => {
        statusClasses[c] += this.statuses[slot * STATUS_CLASSES.length + k];
      });
      histogram.addCounts(this.buckets, slot * BUCKET_COUNT, n, this.sumUs[slot], this.maxUs[slot]);
      requests += n;
      errors += slotErrors;
      series.push({ second, requests: n, errors: slotErrors, meanMs: Math.round(this.sumUs[slot] / n) / 1000 });
    }
    return { seconds: span, requests, errors, errorsByKind, statusClasses, histogram, series };
  }
}
