/**
 * Sliding windows: the recent calls a breaker judges its rates over. Each call is stored as
 * a few outcome bits, and running totals are kept up to date on every record, so reading a
 * rate is two divisions, never a scan.
 */

/** Outcome bits of one call. A call may be both failed and slow. */
export const FAILED = 1;
export const SLOW = 2;

export interface SlidingWindow {
  readonly kind: 'count' | 'time';
  /** Calls, failed calls and slow calls in the window, current as of the last record() or advance(). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** Adds one call's outcome bits; `now` (ms) matters only to time windows. */
  record(outcome: number, now: number): void;
  /** Lets time pass without a call (time windows drop what fell out); a no-op for count windows. */
  advance(now: number): void;
  clear(): void;
  toJSON(): WindowSnapshot;
}

/** A window's contents as JSON; restored only into a window of the same kind and size. */
export type WindowSnapshot =
  | { kind: 'count'; size: number; /** Outcome bits, oldest first. */ outcomes: number[] }
  | {
      kind: 'time';
      size: number;
      /** [epoch second, calls, failures, slow calls] per non-empty second, oldest first. */ buckets: [number, number, number, number][];
    };
