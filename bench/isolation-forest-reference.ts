/**
 * ml-isolation-forest@0.1.0 (the library the product card names) behind the same Forest
 * interface as ours, for side-by-side comparison in the benchmark only — it is a
 * devDependency and never ships in src/.
 *
 * Used as is (`rawMlForest`), 0.1.0 has known defects; the wrapper (`wrappedMlForest`)
 * neutralizes each one:
 * - `train` twice silently keeps the first model   → a new instance for every fit;
 * - randomness from Math.random (no seed)           → Math.random is swapped for our
 *                                                      seeded PRNG while it trains;
 * - no subsampling: every tree sees every row       → one single-tree instance per tree,
 *                                                      each trained on its own ψ-row sample;
 * - NaN scores when trained on fewer than 2 rows    → refused with PREDICT_TOO_FEW_POINTS;
 * - c(n) = 2·ln(n-1) + 0.57721 - 2(n-1)/n instead of
 *   2·(ln(n-1) + γ) - 2(n-1)/n                       → each tree's path length is recovered
 *                                                      from its score with the library's
 *                                                      c, averaged, and normalized with the
 *                                                      correct c(ψ).
 * (It also grows one level past ⌈log2 ψ⌉ — `depth <= maxDepth` — which is left alone: it
 * only costs time.)
 */
import { PredictError } from '../src/predict/errors';
import { averagePathLength } from '../src/predict/isolation-forest';
import type { Forest, ForestFactory } from '../src/predict/iforest-detector';
import type { Mulberry32 } from '../src/predict/prng';

interface MlIsolationForest {
  train(rows: number[][]): void;
  predict(rows: number[][]): number[];
}
type MlIsolationForestClass = new (options?: { nEstimators?: number }) => MlIsolationForest;

// The package ships no types; this is the whole surface used.
const { IsolationForest: MlForest } = require('ml-isolation-forest') as { IsolationForest: MlIsolationForestClass };

/** The library's own c(n), to undo it. */
function libraryC(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * Math.log(n - 1) + 0.57721 - (2 * (n - 1)) / n;
}

function toRows(rows: Float64Array, dims: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + dims <= rows.length; i += dims) out.push(Array.from(rows.subarray(i, i + dims)));
  return out;
}

function withSeededRandom<T>(prng: Mulberry32, work: () => T): T {
  const original = Math.random;
  Math.random = () => prng.next();
  try {
    return work();
  } finally {
    Math.random = original;
  }
}

/** The library used the way its README shows: one instance, every tree on every row. */
export function rawMlForest(rows: Float64Array, dims: number, trees = 100): Forest {
  const forest = new MlForest({ nEstimators: trees });
  forest.train(toRows(rows, dims));
  return { score: (row, at = 0) => forest.predict([Array.from({ length: dims }, (_, f) => row[at + f])])[0] };
}

/** The library with its defects worked around (see the header). */
export const wrappedMlForest: ForestFactory = (rows, dims, prng, options) => {
  const data = toRows(rows, dims);
  if (data.length < 2) throw new PredictError('PREDICT_TOO_FEW_POINTS', `an isolation forest needs at least 2 rows, got ${data.length}`);
  const psi = Math.min(options.sampleSize, data.length);
  const trees: MlIsolationForest[] = [];
  withSeededRandom(prng, () => {
    for (let t = 0; t < options.trees; t++) {
      // Partial Fisher-Yates for a sample without replacement, as ours does.
      const pool = data.slice();
      for (let i = 0; i < psi; i++) {
        const j = i + prng.nextInt(pool.length - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      const tree = new MlForest({ nEstimators: 1 });
      tree.train(pool.slice(0, psi));
      trees.push(tree);
    }
  });
  const cLib = libraryC(psi);
  const c = averagePathLength(psi);
  return {
    score(row, at = 0) {
      const x = [Array.from({ length: dims }, (_, f) => row[at + f])];
      let total = 0;
      for (const tree of trees) total += -Math.log2(tree.predict(x)[0]) * cLib;
      return c > 0 ? 2 ** (-(total / trees.length) / c) : 0.5;
    },
  };
};
