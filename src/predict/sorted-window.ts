/**
 * The last `capacity` values kept in sorted order as well as arrival order, so the median
 * and the median absolute deviation (MAD) of a sliding window cost O(capacity) memmoves
 * rather than a sort per value. Used by the robust z-score.
 */
export class SortedWindow {
  private readonly arrival: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.arrival = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  static from(capacity: number, values: readonly number[]): SortedWindow {
    const window = new SortedWindow(capacity);
    for (const v of values) window.push(v);
    return window;
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.capacity) {
      const oldest = this.arrival[this.head];
      const at = this.lowerBound(oldest);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    const at = this.lowerBound(value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.count++;
    this.arrival[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
  }

  median(): number {
    const n = this.count;
    if (n === 0) return 0;
    const mid = n >> 1;
    return n % 2 === 1 ? this.sorted[mid] : (this.sorted[mid - 1] + this.sorted[mid]) / 2;
  }

  /**
   * Median of |x - center|. The deviations left of the center shrink towards it and those
   * right of it grow away from it, so walking outwards from the center merges two sorted
   * runs; the median is reached after n/2 steps.
   */
  mad(center = this.median()): number {
    const n = this.count;
    if (n === 0) return 0;
    let right = this.lowerBound(center);
    let left = right - 1;
    const wanted = n >> 1; // index (0-based) of the upper median of the deviations
    let previous = 0;
    for (let k = 0; k <= wanted; k++) {
      const dl = left >= 0 ? center - this.sorted[left] : Infinity;
      const dr = right < n ? this.sorted[right] - center : Infinity;
      const d = dl <= dr ? dl : dr;
      if (dl <= dr) left--;
      else right++;
      if (k === wanted) return n % 2 === 1 ? d : (previous + d) / 2;
      previous = d;
    }
    return previous;
  }

  /** Mean of |x - center|: the fallback scale when more than half the window is one value. */
  meanAbsoluteDeviation(center: number): number {
    if (this.count === 0) return 0;
    let total = 0;
    for (let i = 0; i < this.count; i++) total += Math.abs(this.sorted[i] - center);
    return total / this.count;
  }

  /** Oldest first. */
  toArray(): number[] {
    const out: number[] = [];
    for (let k = this.count; k >= 1; k--) out.push(this.arrival[(this.head - k + this.capacity * 2) % this.capacity]);
    return out;
  }

  private lowerBound(value: number): number {
    let lo = 0,
      hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
