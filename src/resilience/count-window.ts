/** The last `size` calls, in a ring buffer of outcome bits (resilience4j's COUNT_BASED window). */
import { FAILED, SLOW, type SlidingWindow, type WindowSnapshot } from './window';

export class CountWindow implements SlidingWindow {
  readonly kind = 'count';
  calls = 0;
  failures = 0;
  slowCalls = 0;
  private readonly ring: Uint8Array;
  /** Where the next outcome goes; once full, also the oldest one it overwrites. */
  private next = 0;

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(outcome: number): void {
    if (this.calls === this.size) {
      const evicted = this.ring[this.next];
      this.failures -= evicted & FAILED;
      this.slowCalls -= (evicted & SLOW) >> 1;
    } else {
      this.calls++;
    }
    this.ring[this.next] = outcome;
    this.failures += outcome & FAILED;
    this.slowCalls += (outcome & SLOW) >> 1;
    this.next = this.next + 1 === this.size ? 0 : this.next + 1;
  }

  advance(): void {
    // Counts do not age.
  }

  clear(): void {
    this.ring.fill(0);
    this.calls = this.failures = this.slowCalls = this.next = 0;
  }

  toJSON(): WindowSnapshot {
    const start = this.calls === this.size ? this.next : 0;
    const outcomes: number[] = [];
    for (let i = 0; i < this.calls; i++) outcomes.push(this.ring[(start + i) % this.size]);
    return { kind: 'count', size: this.size, outcomes };
  }

  static restore(size: number, snapshot: WindowSnapshot | undefined): CountWindow {
    const window = new CountWindow(size);
    if (snapshot?.kind === 'count' && snapshot.size === size) for (const o of snapshot.outcomes) window.record(o & (FAILED | SLOW));
    return window;
  }
}
