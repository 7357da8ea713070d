/**
 * The Mann-Whitney U test (Wilcoxon rank-sum): do two samples come from the same
 * distribution, or does one tend to be larger? Rank-based, so it needs no normality and one
 * wild latency outlier moves it by one rank, not by its size — which is why Kayenta judges
 * canaries with it.
 *
 * Two-sided. Small samples without ties get the exact distribution of U (counted, not
 * approximated); larger ones, or any with ties, the normal approximation with the tie
 * correction of the variance and a continuity correction of 0.5.
 */
import { gaussianTail } from '../predict/likelihood';
import { GenieError } from '../errors/genie-error';

export type MannWhitneyMethod = 'exact' | 'normal';

export interface MannWhitneyResult {
  /** Sample sizes (baseline, canary). */
  n1: number;
  n2: number;
  /** Pairs (baseline, canary) where baseline is larger, ties counting one half. */
  uBaseline: number;
  /** Pairs where canary is larger, ties counting one half; uBaseline + uCanary = n1·n2. */
  uCanary: number;
  /** min(uBaseline, uCanary): the statistic tables quote. */
  u: number;
  /** Standard score of uCanary (normal method; also reported for exact runs, for reading). */
  z: number;
  pValue: number;
  method: MannWhitneyMethod;
  /** Whether any value occurs more than once across both samples. */
  ties: boolean;
}

export interface MannWhitneyOptions {
  /** 'auto' (default): exact when there are no ties and both samples have at most EXACT_MAX_N values. */
  method?: 'auto' | MannWhitneyMethod;
}

/** Above this size the normal approximation is accurate to well under a percent, and counting gets costly. */
export const EXACT_MAX_N = 25;

export class MannWhitneyError extends GenieError {
  readonly code = 'MANN_WHITNEY_INPUT';
}

export function mannWhitneyU(baseline: readonly number[], canary: readonly number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  const n1 = baseline.length;
  const n2 = canary.length;
  if (n1 === 0 || n2 === 0) throw new MannWhitneyError(`both samples need at least one value (baseline has ${n1}, canary has ${n2})`);
  for (const [name, sample] of [
    ['baseline', baseline],
    ['canary', canary],
  ] as const) {
    const bad = sample.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new MannWhitneyError(`${name}[${bad}] is ${String(sample[bad])}, not a finite number`);
  }

  const { canaryRankSum, tieTerm } = rankSums(baseline, canary);
  const uCanary = canaryRankSum - (n2 * (n2 + 1)) / 2;
  const uBaseline = n1 * n2 - uCanary;
  const ties = tieTerm > 0;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const sd = Math.sqrt(Math.max(0, variance));
  const z = sd > 0 ? (uCanary - mean) / sd : 0;

  const wanted = options.method ?? 'auto';
  if (wanted === 'exact' && ties) throw new MannWhitneyError('the exact distribution assumes no ties; use method normal (or auto)');
  const method: MannWhitneyMethod = wanted === 'auto' ? (!ties && n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N ? 'exact' : 'normal') : wanted;

  let pValue: number;
  if (method === 'exact') {
    pValue = Math.min(1, 2 * exactCdf(n1, n2, Math.min(uBaseline, uCanary)));
  } else if (sd === 0) {
    pValue = 1; // every value equal: no evidence of any difference
  } else {
    const corrected = Math.max(0, Math.abs(uCanary - mean) - 0.5);
    pValue = Math.min(1, 2 * gaussianTail(corrected / sd));
  }
  return { n1, n2, uBaseline, uCanary, u: Math.min(uBaseline, uCanary), z, pValue, method, ties };
}

/** Sum of the canary's ranks (ties get the average of their ranks) and Σ(t³ − t) over tie groups. */
function rankSums(baseline: readonly number[], canary: readonly number[]): { canaryRankSum: number; tieTerm: number } {
  const all = [...baseline.map((value) => ({ value, canary: false })), ...canary.map((value) => ({ value, canary: true }))];
  all.sort((a, b) => a.value - b.value);
  let canaryRankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].value === all[i].value) j++;
    const t = j - i + 1;
    const rank = (i + 1 + j + 1) / 2;
    for (let k = i; k <= j; k++) if (all[k].canary) canaryRankSum += rank;
    if (t > 1) tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { canaryRankSum, tieTerm };
}

/**
 * P(U ≤ u) under the null hypothesis for samples of sizes m and n without ties: the share of
 * the C(m+n, m) equally likely orderings whose U is at most u. Counts come from the
 * recurrence on the largest value — it is either from the first sample (U unchanged) or
 * from the second (it beats all m of the first): N(m, n, u) = N(m−1, n, u) + N(m, n−1, u−m).
 * Counts stay below 2^53 for m, n ≤ 25, so doubles are exact.
 */
export function exactCdf(m: number, n: number, u: number): number {
  const maxU = m * n;
  if (u >= maxU) return 1;
  if (u < 0) return 0;
  const limit = Math.floor(u);
  // counts[i][j] is the distribution for sizes (i, j), truncated at `limit` (only the lower tail is needed).
  let previous: Float64Array[] = []; // row i − 1
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const dist = new Float64Array(limit + 1);
      if (i === 0 || j === 0) dist[0] = 1;
      else {
        const withoutFirst = previous[j]; // (i − 1, j)
        const withoutSecond = row[j - 1]; // (i, j − 1), shifted by i
        for (let k = 0; k <= limit; k++) dist[k] = withoutFirst[k] + (k >= i ? withoutSecond[k - i] : 0);
      }
      row.push(dist);
    }
    previous = row;
  }
  const dist = previous[n];
  let below = 0;
  for (let k = 0; k <= limit; k++) below += dist[k];
  return below / binomial(m + n, m);
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** The median (average of the middle two for an even count); NaN for an empty sample. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
