/**
 * A log-linear latency histogram in the manner of HdrHistogram: values in microseconds;
 * below 16 µs one bucket per microsecond, above that each power of two is split into 16
 * equal buckets. Any value is thus kept within 1/32 (about 3%) of itself, from 1 µs to
 * 71 minutes, in 464 counters — a fixed size whatever the traffic, which is what lets the
 * router keep one per second per pool and route (src/router/sliding-window.ts).
 */

const SUB_BITS = 4;
const SUB = 1 << SUB_BITS;
const MAX_EXPONENT = 31;
export const BUCKET_COUNT = SUB + (MAX_EXPONENT - SUB_BITS + 1) * SUB;

/** The bucket of a latency in microseconds (negative counts as 0, huge as the last bucket). */
export function bucketIndex(us: number): number {
  if (!(us >= SUB)) return us > 0 ? Math.floor(us) : 0;
  if (us >= 4294967296) return BUCKET_COUNT - 1;
  const v = Math.floor(us) >>> 0;
  const exponent = 31 - Math.clz32(v);
  return SUB + (exponent - SUB_BITS) * SUB + ((v >>> (exponent - SUB_BITS)) & (SUB - 1));
}

/** The smallest value in bucket `index`. */
export function bucketLowerBound(index: number): number {
  if (index < SUB) return index;
  const exponent = Math.floor((index - SUB) / SUB) + SUB_BITS;
  const sub = (index - SUB) % SUB;
  return (SUB + sub) * 2 ** (exponent - SUB_BITS);
}

/** How many microseconds bucket `index` spans. */
export function bucketWidth(index: number): number {
  return index < SUB ? 1 : 2 ** Math.floor((index - SUB) / SUB);
}

/** The value a bucket stands for: its middle (its only value below 16 µs). */
export function bucketValue(index: number): number {
  const width = bucketWidth(index);
  return width === 1 ? bucketLowerBound(index) : bucketLowerBound(index) + (width - 1) / 2;
}

/**
 * The nearest-rank q-quantile (0 < q ≤ 1) of `counts[offset .. offset+BUCKET_COUNT)`, whose
 * counts add up to `total`; NaN when empty. `max`, when known, caps the answer, so a single
 * slow request reports its own latency rather than its bucket's middle.
 */
export function quantileOf(counts: ArrayLike<number>, total: number, q: number, max = Infinity, offset = 0): number {
  if (total <= 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    seen += counts[offset + i];
    if (seen >= rank) return Math.min(bucketValue(i), max);
  }
  return Math.min(bucketValue(BUCKET_COUNT - 1), max);
}

/** A standalone histogram: what a window's per-second histograms are summed into. */
export class Histogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  count = 0;
  sumUs = 0;
  maxUs = 0;

  record(us: number): void {
    this.counts[bucketIndex(us)]++;
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Adds another histogram's counts, stored at `offset` of `counts`. */
  addCounts(counts: ArrayLike<number>, offset: number, count: number, sumUs: number, maxUs: number): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i] += counts[offset + i];
    this.count += count;
    this.sumUs += sumUs;
    if (maxUs > this.maxUs) this.maxUs = maxUs;
  }

  quantileUs(q: number): number {
    return quantileOf(this.counts, this.count, q, this.maxUs);
  }

  /** Non-empty buckets as [value in ms, count]: samples with ties, enough for rank statistics. */
  bucketsMs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < BUCKET_COUNT; i++) if (this.counts[i] > 0) out.push([round3(bucketValue(i) / 1000), this.counts[i]]);
    return out;
  }
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
