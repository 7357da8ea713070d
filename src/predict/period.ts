/**
 * Season length of a series, by autocorrelation: remove the linear trend, compute the
 * (biased) autocorrelation r(k) for each candidate lag, and take the strongest peak that
 * rises clearly above the trough before it. The biased estimator (dividing by n, not
 * n - k) shrinks long lags, which favours the fundamental period over its multiples; the
 * trough requirement rejects the slow decay of a trending or random-walk series, which has
 * high r(k) at every small lag but no season. The same shrinking pulls a peak towards
 * shorter lags, so the chosen peak is then refined on the unbiased estimate (dividing by
 * n - k) within ±10% of it: a season off by two rows would drift out of phase by a whole
 * day within a few months of 5-minute samples.
 */
export interface PeriodOptions {
  /** Shortest season considered (default 4 rows). */
  minPeriod?: number;
  /** Longest season considered (default half the series: at least two full seasons are needed). */
  maxPeriod?: number;
  /** A peak must reach this correlation (default 0.3). */
  minCorrelation?: number;
  /** ... and stand this far above the lowest r(k) before it (default 0.2). */
  minProminence?: number;
}

export function detectPeriod(values: ArrayLike<number>, options: PeriodOptions = {}): number | null {
  const n = values.length;
  const minPeriod = Math.max(2, options.minPeriod ?? 4);
  const maxPeriod = Math.min(options.maxPeriod ?? Math.floor(n / 2), Math.floor(n / 2));
  if (maxPeriod < minPeriod) return null;
  const residuals = detrended(values);
  let energy = 0;
  for (const r of residuals) energy += r * r;
  // A constant (or perfectly linear) series has no season to find.
  if (!(energy > 1e-12 * n)) return null;

  const minCorrelation = options.minCorrelation ?? 0.3;
  const minProminence = options.minProminence ?? 0.2;
  const acf = new Float64Array(maxPeriod + 2);
  for (let lag = 1; lag <= maxPeriod + 1 && lag < n; lag++) {
    let s = 0;
    for (let t = 0; t + lag < n; t++) s += residuals[t] * residuals[t + lag];
    acf[lag] = s / energy;
  }
  let best: number | null = null;
  let bestR = -Infinity;
  let trough = Infinity;
  for (let lag = 1; lag <= maxPeriod; lag++) {
    const r = acf[lag];
    if (lag >= minPeriod && r >= minCorrelation && r >= acf[lag - 1] && r >= acf[lag + 1] && r - trough >= minProminence && r > bestR) {
      best = lag;
      bestR = r;
    }
    trough = Math.min(trough, r);
  }
  return best === null ? null : refine(acf, best, n, minPeriod, maxPeriod);
}

/** The lag near `peak` where the unbiased autocorrelation r(k)·n/(n-k) is highest. */
function refine(acf: Float64Array, peak: number, n: number, minPeriod: number, maxPeriod: number): number {
  const reach = Math.max(1, Math.round(peak * 0.1));
  let best = peak;
  let bestR = -Infinity;
  for (let lag = Math.max(minPeriod, peak - reach); lag <= Math.min(maxPeriod, peak + reach); lag++) {
    const unbiased = (acf[lag] * n) / (n - lag);
    if (unbiased > bestR) {
      best = lag;
      bestR = unbiased;
    }
  }
  return best;
}

/** The values minus their least-squares line over the index. */
function detrended(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const meanT = (n - 1) / 2;
  let meanY = 0;
  for (let t = 0; t < n; t++) meanY += values[t];
  meanY /= n;
  let sxy = 0,
    sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - meanT) * (values[t] - meanY);
    sxx += (t - meanT) * (t - meanT);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = values[t] - meanY - slope * (t - meanT);
  return out;
}
