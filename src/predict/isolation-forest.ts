/**
 * Isolation forest (Liu, Ting & Zhou 2008, "Isolation Forest", ICDM): anomalies are few
 * and different, so random axis-parallel splits isolate them in fewer steps than normal
 * points. Each of `trees` trees is grown on its own subsample of ψ rows (without
 * replacement) up to the height limit ⌈log2 ψ⌉, picking a random feature and a split drawn
 * uniformly between that feature's min and max in the node. A point's path length h(x) is
 * the depth of the leaf it falls into plus c(size of that leaf) for the unbuilt subtree,
 * and its score is s = 2^(-E[h(x)] / c(ψ)): near 1 for anomalies, below 0.5 for normal
 * points.
 *
 * Trees are stored as implicit binary heaps (children of node k at 2k+1, 2k+2) in flat
 * typed arrays, 5 bytes a slot: scoring touches no objects and a forest of 100 trees of
 * ψ = 256 takes 255 KB whatever the data.
 */
import { checkOption, PredictError } from './errors';
import type { Mulberry32 } from './prng';

export const EULER_GAMMA = 0.5772156649;

/** H(i) ≈ ln(i) + γ, the harmonic number as the paper approximates it. */
export function harmonic(i: number): number {
  return Math.log(i) + EULER_GAMMA;
}

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n
 * points, 2H(n-1) - 2(n-1)/n; c(2) = 1 and c(n) = 0 for n <= 1 (nothing left to isolate).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * harmonic(n - 1) - (2 * (n - 1)) / n;
}

export interface ForestOptions {
  /** Number of trees t (default 100). */
  trees?: number;
  /** Subsample size ψ per tree (default 256). */
  sampleSize?: number;
}

/** Slot markers in `feature`: a leaf, or a slot below a leaf that no tree reaches. */
const LEAF = -1;
const EMPTY = -2;

export class IsolationForest {
  readonly trees: number;
  readonly sampleSize: number;
  /** The subsample size actually used: ψ, or every row when fitted on fewer. */
  readonly psi: number;
  readonly heightLimit: number;
  private readonly slots: number;
  /** Per slot: split feature, LEAF or EMPTY. */
  private readonly feature: Int8Array;
  /** Per slot: split value, or at a leaf its path length (depth + c(size)). */
  private readonly value: Float32Array;
  private readonly normalizer: number;

  /**
   * Grows the forest on `rows` (row-major, `dims` features each) with randomness from `prng`.
   * Throws PREDICT_TOO_FEW_POINTS for fewer than 2 rows: nothing can be isolated from nothing.
   */
  constructor(rows: Float64Array, dims: number, prng: Mulberry32, options: ForestOptions = {}) {
    this.trees = checkOption('trees', options.trees ?? 100, 1, 10_000, true);
    this.sampleSize = checkOption('sampleSize', options.sampleSize ?? 256, 2, 1 << 16, true);
    checkOption('dims', dims, 1, 127, true);
    const n = Math.floor(rows.length / dims);
    if (n < 2) throw new PredictError('PREDICT_TOO_FEW_POINTS', `an isolation forest needs at least 2 rows, got ${n}`);
    this.psi = Math.min(this.sampleSize, n);
    this.heightLimit = Math.ceil(Math.log2(this.psi));
    this.slots = 2 ** (this.heightLimit + 1) - 1;
    this.feature = new Int8Array(this.trees * this.slots).fill(EMPTY);
    this.value = new Float32Array(this.trees * this.slots);
    this.normalizer = averagePathLength(this.psi);

    const pool = new Int32Array(n);
    const sample = new Int32Array(this.psi);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let t = 0; t < this.trees; t++) {
      // Partial Fisher-Yates: the first psi entries of the pool become a uniform sample without replacement.
      for (let i = 0; i < this.psi; i++) {
        const j = i + prng.nextInt(n - i);
        const swap = pool[i];
        pool[i] = pool[j];
        pool[j] = swap;
        sample[i] = pool[i];
      }
      this.grow(rows, dims, sample, 0, this.psi, t * this.slots, 0, 0, prng);
    }
  }

  /** Memory held by the trees, in bytes. */
  get bytes(): number {
    return this.feature.byteLength + this.value.byteLength;
  }

  /** E[h(x)]: the mean path length of `row` (offset `at` in a flat array) over all trees. */
  pathLength(row: ArrayLike<number>, at = 0): number {
    let total = 0;
    for (let t = 0; t < this.trees; t++) {
      const base = t * this.slots;
      let node = 0;
      let f = this.feature[base];
      while (f >= 0) {
        node = row[at + f] < this.value[base + node] ? 2 * node + 1 : 2 * node + 2;
        f = this.feature[base + node];
      }
      total += this.value[base + node];
    }
    return total / this.trees;
  }

  /** s(x, ψ) = 2^(-E[h(x)]/c(ψ)) in (0, 1]. */
  score(row: ArrayLike<number>, at = 0): number {
    return this.normalizer > 0 ? 2 ** (-this.pathLength(row, at) / this.normalizer) : 0.5;
  }

  /** Splits sample[from, to) at heap slot `node` of the tree at `base`, in place, as quicksort partitions. */
  private grow(
    rows: Float64Array,
    dims: number,
    sample: Int32Array,
    from: number,
    to: number,
    base: number,
    node: number,
    depth: number,
    prng: Mulberry32,
  ): void {
    const size = to - from;
    if (depth >= this.heightLimit || size <= 1) return this.leaf(base, node, depth, size);
    // A random feature that still varies in this node (trying the next ones in turn when it
    // does not): identical points cannot be split apart.
    const start = prng.nextInt(dims);
    let f = -1,
      lo = 0,
      hi = 0;
    for (let k = 0; k < dims && f < 0; k++) {
      const candidate = (start + k) % dims;
      lo = Infinity;
      hi = -Infinity;
      for (let i = from; i < to; i++) {
        const v = rows[sample[i] * dims + candidate];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi > lo) f = candidate;
    }
    if (f < 0) return this.leaf(base, node, depth, size);
    // Splits are stored as float32; values closer than float32 can tell apart are treated as identical.
    const split = Math.fround(lo + prng.next() * (hi - lo));
    if (!(split > lo && split <= hi)) return this.leaf(base, node, depth, size);
    this.feature[base + node] = f;
    this.value[base + node] = split;
    let mid = from;
    for (let i = from; i < to; i++) {
      if (rows[sample[i] * dims + f] < split) {
        const swap = sample[i];
        sample[i] = sample[mid];
        sample[mid] = swap;
        mid++;
      }
    }
    this.grow(rows, dims, sample, from, mid, base, 2 * node + 1, depth + 1, prng);
    this.grow(rows, dims, sample, mid, to, base, 2 * node + 2, depth + 1, prng);
  }

  private leaf(base: number, node: number, depth: number, size: number): void {
    this.feature[base + node] = LEAF;
    this.value[base + node] = depth + averagePathLength(size);
  }
}
