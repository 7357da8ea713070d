/**
 * Holt's linear (double exponential) smoothing, in the error-correction form of Hyndman
 * et al. 2008 ("Forecasting with Exponential Smoothing", ETS(A,A,N)):
 *
 *   ŷ_t = ℓ_{t-1} + b_{t-1},  e_t = y_t - ŷ_t,  ℓ_t = ℓ_{t-1} + b_{t-1} + α·e_t,  b_t = b_{t-1} + β·e_t
 *
 * It weighs recent values more than a regression does, so a disk that started filling
 * faster an hour ago says so. α and β are chosen from a small grid by the one-step-ahead
 * squared error. The h-step forecast ℓ + h·b has variance σ²·(1 + Σ_{j=1}^{h-1} (α + β·j)²)
 * (ibid., Table 6.1), which gives the crossing interval: the earliest step where the
 * optimistic bound reaches the threshold, and the latest where the pessimistic one does.
 *
 * Works in steps of an evenly sampled series; the caller converts steps to time.
 */
import { normalQuantile } from './student-t';

export interface HoltFit {
  alpha: number;
  beta: number;
  level: number;
  /** Change per step. */
  trend: number;
  /** One-step-ahead error standard deviation. */
  sigma: number;
}

/** Values the initial level and trend are fitted to. */
const INIT_POINTS = 10;
const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
/** β as a fraction of α (β = α·β*, with β* the classical smoothing weight of the trend). */
const BETA_FRACTIONS = [0.01, 0.05, 0.1, 0.2, 0.4];

export function fitHolt(values: readonly number[]): HoltFit {
  let best: (HoltFit & { sse: number }) | undefined;
  for (const alpha of ALPHAS) {
    for (const fraction of BETA_FRACTIONS) {
      const fit = run(values, alpha, alpha * fraction);
      if (!best || fit.sse < best.sse) best = fit;
    }
  }
  const { sse: _sse, ...fit } = best as HoltFit & { sse: number };
  return fit;
}

function run(values: readonly number[], alpha: number, beta: number): HoltFit & { sse: number } {
  // Initial state from a least-squares line over the first values (Hyndman et al. §2.6.1):
  // starting from y1 - y0 would hand a noisy series a wild first trend that small α, β
  // take the whole series to forget, and the grid would then favour jumpy weights.
  const head = Math.min(values.length, INIT_POINTS);
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let t = 0; t < head; t++) {
    sx += t;
    sy += values[t];
    sxx += t * t;
    sxy += t * values[t];
  }
  const denominator = head * sxx - sx * sx;
  let trend = denominator > 0 ? (head * sxy - sx * sy) / denominator : 0;
  let level = (sy - trend * sx) / head - trend; // the level "before" value 0, so the first forecast is the line at 0
  let sse = 0;
  for (let t = 0; t < values.length; t++) {
    const error = values[t] - (level + trend);
    sse += error * error;
    level = level + trend + alpha * error;
    trend = trend + beta * error;
  }
  const n = Math.max(1, values.length - 2);
  return { alpha, beta, level, trend, sigma: Math.sqrt(sse / n), sse };
}

export interface HoltCrossing {
  /** Steps from the last value to the crossing of the point forecast, or null when it never comes. */
  eta: number | null;
  interval: { low: number | null; high: number | null };
}

/**
 * When the forecast reaches `threshold` (`sign` 1: from below, -1: from above), searching
 * at most `horizon` steps ahead.
 */
export function holtCrossing(fit: HoltFit, threshold: number, sign: 1 | -1, horizon: number, confidence = 0.95): HoltCrossing {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  let eta: number | null = null,
    low: number | null = null,
    high: number | null = null;
  let sum = 0; // Σ_{j=1}^{h-1} (α + βj)²
  for (let h = 1; h <= horizon; h++) {
    if (h > 1) sum += (fit.alpha + fit.beta * (h - 1)) ** 2;
    const forecast = fit.level + h * fit.trend;
    const spread = z * fit.sigma * Math.sqrt(1 + sum);
    if (low === null && sign * (forecast + sign * spread - threshold) >= 0) low = h;
    if (eta === null && sign * (forecast - threshold) >= 0) eta = h;
    if (high === null && sign * (forecast - sign * spread - threshold) >= 0) {
      high = h;
      break;
    }
  }
  return { eta, interval: { low, high } };
}
