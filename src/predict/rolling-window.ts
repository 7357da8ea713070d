/**
 * The last `capacity` values of a stream, with their mean and standard deviation in O(1)
 * per value. Running sums drift when the stream is long, so they are recomputed exactly
 * from the buffer once per `capacity` values (O(1) amortized); and they are sums of
 * deviations from a shift (the window's mean at the last recomputation), so a metric of
 * 10^12 bytes that varies by a few thousand keeps its variance instead of losing it to
 * cancellation in E[x²] - E[x]².
 */
export interface RollingWindowState {
  capacity: number;
  /** Oldest first. */
  values: number[];
  /** The running sums as they stand (not recomputed), so a restored window continues bit for bit. */
  sum: number;
  sumSquares: number;
  sinceExact: number;
  shift: number;
}

export class RollingWindow {
  private readonly buffer: Float64Array;
  private head = 0;
  private count = 0;
  private sum = 0;
  private sumSquares = 0;
  private sinceExact = 0;
  /** Sums are of (x - shift). */
  private shift = 0;

  constructor(readonly capacity: number) {
    this.buffer = new Float64Array(capacity);
  }

  static fromJSON(state: RollingWindowState): RollingWindow {
    const window = new RollingWindow(state.capacity);
    window.restore(state);
    return window;
  }

  /** Takes over `state`'s values and running sums (same capacity). */
  restore(state: RollingWindowState): void {
    this.head = 0;
    this.count = 0;
    for (const v of state.values.slice(-this.capacity)) {
      this.buffer[this.head] = v;
      this.head = (this.head + 1) % this.capacity;
      this.count++;
    }
    this.sum = state.sum;
    this.sumSquares = state.sumSquares;
    this.sinceExact = state.sinceExact;
    this.shift = state.shift;
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.sum = 0;
    this.sumSquares = 0;
    this.sinceExact = 0;
    this.shift = 0;
  }

  /** Adds a value; returns the one it pushed out, if the window was full. */
  push(value: number): number | undefined {
    let evicted: number | undefined;
    if (this.count === 0) this.shift = value;
    if (this.count === this.capacity) {
      evicted = this.buffer[this.head];
      const d = evicted - this.shift;
      this.sum -= d;
      this.sumSquares -= d * d;
    } else {
      this.count++;
    }
    this.buffer[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    const d = value - this.shift;
    this.sum += d;
    this.sumSquares += d * d;
    if (++this.sinceExact >= this.capacity) this.resum();
    return evicted;
  }

  /** The value `lag` steps back: 1 is the latest; undefined when not held. */
  back(lag: number): number | undefined {
    if (lag < 1 || lag > this.count) return undefined;
    return this.buffer[(this.head - lag + this.capacity * 2) % this.capacity];
  }

  mean(): number {
    return this.count === 0 ? 0 : this.shift + this.sum / this.count;
  }

  /** Population standard deviation; 0 for fewer than two values. */
  std(): number {
    if (this.count < 2) return 0;
    const m = this.sum / this.count;
    return Math.sqrt(Math.max(0, this.sumSquares / this.count - m * m));
  }

  /** Oldest first. */
  toArray(): number[] {
    const out: number[] = [];
    for (let lag = this.count; lag >= 1; lag--) out.push(this.back(lag) as number);
    return out;
  }

  toJSON(): RollingWindowState {
    return { capacity: this.capacity, values: this.toArray(), sum: this.sum, sumSquares: this.sumSquares, sinceExact: this.sinceExact, shift: this.shift };
  }

  private resum(): void {
    this.sinceExact = 0;
    this.shift = this.mean();
    let sum = 0,
      squares = 0;
    for (let lag = 1; lag <= this.count; lag++) {
      const d = this.buffer[(this.head - lag + this.capacity * 2) % this.capacity] - this.shift;
      sum += d;
      squares += d * d;
    }
    this.sum = sum;
    this.sumSquares = squares;
  }
}
