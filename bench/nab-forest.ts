/**
 * Isolation forest side by side: ours (src/predict/isolation-forest.ts) against
 * ml-isolation-forest@0.1.0 used as its README shows (every tree on all 10k rows) and
 * wrapped (bench/isolation-forest-reference.ts: per-tree ψ = 256 subsamples, seeded,
 * correct c(n)). Fit time for 10,000 rows (target ≤ 200 ms for ours), bytes held, and
 * whether they agree: the AUC each reaches on 10,000 Gaussian rows with 100 injected
 * outliers, and the rank correlation of their scores.
 */
import { performance } from 'node:perf_hooks';
import { IsolationForest } from '../src/predict/isolation-forest';
import { Mulberry32 } from '../src/predict/prng';
import { rawMlForest, wrappedMlForest } from './isolation-forest-reference';
import { heapDelta } from './nab-memory';
import { normalPair } from './nab-synthetic';

const ROWS = 10_000;
const OUTLIERS = 100;
const DIMS = 6;

export interface ForestComparison {
  rows: number;
  dims: number;
  fitMs: { ours: number; mlWrapped: number; mlRaw: number };
  scoreMsPer1000: { ours: number; mlWrapped: number; mlRaw: number };
  heapBytes: { ours: number; mlWrapped: number; mlRaw: number };
  outlierAuc: { ours: number; mlWrapped: number; mlRaw: number };
  spearman: { oursVsMlWrapped: number; oursVsMlRaw: number };
  target: { oursFitMs: number };
  withinTarget: boolean;
}

/** 10k rows: Gaussian inliers (correlated pairs of features), the last 100 uniform far outliers. */
function dataset(): { rows: Float64Array; outlier: boolean[] } {
  const prng = new Mulberry32(7);
  const rows = new Float64Array(ROWS * DIMS);
  const outlier: boolean[] = [];
  for (let i = 0; i < ROWS; i++) {
    const isOutlier = i >= ROWS - OUTLIERS;
    outlier.push(isOutlier);
    for (let f = 0; f < DIMS; f += 2) {
      const [a, b] = normalPair(prng);
      rows[i * DIMS + f] = isOutlier ? (prng.next() - 0.5) * 12 : a;
      rows[i * DIMS + f + 1] = isOutlier ? (prng.next() - 0.5) * 12 : 0.8 * a + 0.6 * b;
    }
  }
  return { rows, outlier };
}

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function timeIt<T>(runs: number, work: () => T): { ms: number; last: T } {
  const times: number[] = [];
  let last!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    last = work();
    times.push(performance.now() - t0);
  }
  return { ms: Number(median(times).toFixed(1)), last };
}

/** Probability that a random outlier scores above a random inlier (ties count half). */
export function auc(scores: readonly number[], positive: readonly boolean[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0,
    positives = 0;
  for (let k = 0; k < order.length;) {
    let j = k;
    while (j < order.length && order[j][0] === order[k][0]) j++;
    const rank = (k + j + 1) / 2; // mean 1-based rank of the tie group
    for (let m = k; m < j; m++)
      if (positive[order[m][1]]) {
        rankSum += rank;
        positives++;
      }
    k = j;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  order.forEach(([, i], r) => (out[i] = r));
  return out;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a),
    rb = ranks(b);
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (ra[i] - rb[i]) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

export function compareForests(): ForestComparison {
  const { rows, outlier } = dataset();
  const options = { trees: 100, sampleSize: 256 };
  const ours = timeIt(7, () => new IsolationForest(rows, DIMS, new Mulberry32(42), options));
  const wrapped = timeIt(3, () => wrappedMlForest(rows, DIMS, new Mulberry32(42), options));
  const raw = timeIt(1, () => rawMlForest(rows, DIMS, 100));

  const scoreAll = (forest: { score(row: ArrayLike<number>, at?: number): number }, limit = ROWS) => {
    const out: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < limit; i++) out.push(forest.score(rows, i * DIMS));
    return { scores: out, msPer1000: Number((((performance.now() - t0) / limit) * 1000).toFixed(1)) };
  };
  const so = scoreAll(ours.last),
    sw = scoreAll(wrapped.last),
    sr = scoreAll(raw.last);
  const r3 = (x: number) => Number(x.toFixed(3));
  return {
    rows: ROWS,
    dims: DIMS,
    fitMs: { ours: ours.ms, mlWrapped: wrapped.ms, mlRaw: raw.ms },
    scoreMsPer1000: { ours: so.msPer1000, mlWrapped: sw.msPer1000, mlRaw: sr.msPer1000 },
    heapBytes: {
      ours: heapDelta(() => new IsolationForest(rows, DIMS, new Mulberry32(42), options)),
      mlWrapped: heapDelta(() => wrappedMlForest(rows, DIMS, new Mulberry32(42), options)),
      mlRaw: heapDelta(() => rawMlForest(rows, DIMS, 100)),
    },
    outlierAuc: { ours: r3(auc(so.scores, outlier)), mlWrapped: r3(auc(sw.scores, outlier)), mlRaw: r3(auc(sr.scores, outlier)) },
    spearman: { oursVsMlWrapped: r3(spearman(so.scores, sw.scores)), oursVsMlRaw: r3(spearman(so.scores, sr.scores)) },
    target: { oursFitMs: 200 },
    withinTarget: ours.ms <= 200,
  };
}
