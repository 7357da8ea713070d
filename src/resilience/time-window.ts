/**
 * The calls of the last `size` seconds, in one bucket per second (resilience4j's TIME_BASED
 * window). A bucket is cleared when its second comes round again, so the totals always cover
 * at most `size` seconds, and recording costs O(1) amortized whatever the call rate.
 */
import { FAILED, SLOW, type SlidingWindow, type WindowSnapshot } from './window';

const BUCKET_MS = 1000;

export class TimeWindow implements SlidingWindow {
  readonly kind = 'time';
  calls = 0;
  failures = 0;
  slowCalls = 0;
  private readonly bucketCalls: Int32Array;
  private readonly bucketFailures: Int32Array;
  private readonly bucketSlow: Int32Array;
  /** Epoch second of the newest bucket; -1 before the first call. */
  private head = -1;

  constructor(readonly size: number) {
    this.bucketCalls = new Int32Array(size);
    this.bucketFailures = new Int32Array(size);
    this.bucketSlow = new Int32Array(size);
  }

  record(outcome: number, now: number): void {
    this.advance(now);
    const i = this.slot(this.head);
    const failed = outcome & FAILED;
    const slow = (outcome & SLOW) >> 1;
    this.bucketCalls[i]++;
    this.bucketFailures[i] += failed;
    this.bucketSlow[i] += slow;
    this.calls++;
    this.failures += failed;
    this.slowCalls += slow;
  }

  advance(now: number): void {
    const second = Math.floor(now / BUCKET_MS);
    // A clock that steps back (NTP) keeps filling the newest bucket rather than reopening old ones.
    if (second <= this.head) return;
    const steps = this.head < 0 ? this.size : Math.min(second - this.head, this.size);
    for (let k = 1; k <= steps; k++) this.drop(this.slot(second - steps + k));
    this.head = second;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.drop(i);
    this.head = -1;
  }

  /** The bucket of an epoch second (a manual clock may start near zero, hence the double modulo). */
  private slot(second: number): number {
    return ((second % this.size) + this.size) % this.size;
  }

  private drop(i: number): void {
    this.calls -= this.bucketCalls[i];
    this.failures -= this.bucketFailures[i];
    this.slowCalls -= this.bucketSlow[i];
    this.bucketCalls[i] = this.bucketFailures[i] = this.bucketSlow[i] = 0;
  }

  toJSON(): WindowSnapshot {
    const buckets: [number, number, number, number][] = [];
    if (this.head >= 0) {
      for (let second = this.head - this.size + 1; second <= this.head; second++) {
        const i = this.slot(second);
        if (this.bucketCalls[i] > 0) buckets.push([second, this.bucketCalls[i], this.bucketFailures[i], this.bucketSlow[i]]);
      }
    }
    return { kind: 'time', size: this.size, buckets };
  }

  static restore(size: number, snapshot: WindowSnapshot | undefined): TimeWindow {
    const window = new TimeWindow(size);
    if (snapshot?.kind !== 'time' || snapshot.size !== size) return window;
    for (const [second, calls, failures, slow] of snapshot.buckets) {
      window.advance(second * BUCKET_MS);
      const i = window.slot(window.head);
      window.bucketCalls[i] += calls;
      window.bucketFailures[i] += failures;
      window.bucketSlow[i] += slow;
      window.calls += calls;
      window.failures += failures;
      window.slowCalls += slow;
    }
    return window;
  }
}
