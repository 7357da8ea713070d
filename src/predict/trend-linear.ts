/**
 * Linear trend by least squares, and when it crosses a threshold. The slope is tested
 * against zero with Student's t (n - 2 degrees of freedom); a slope that is not
 * significant, or a line that explains too little of the variance (R² below `minR2`), is
 * "no trend" — an extrapolation of noise would be a made-up date.
 *
 * The crossing interval comes from the slope's confidence interval, pivoting on the
 * centroid (t̄, ȳ) the line always passes through: the steepest plausible slope gives the
 * earliest crossing, the shallowest the latest (none, if it could be flat).
 */
import { studentQuantile } from './student-t';

export interface TrendPoint {
  t: number;
  y: number;
}

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope. */
  slopeError: number;
  r2: number;
  /** Residual standard deviation. */
  sigma: number;
  n: number;
  meanT: number;
  meanY: number;
}

export function fitLine(points: readonly TrendPoint[]): LinearFit {
  const n = points.length;
  let meanT = 0,
    meanY = 0;
  for (const p of points) {
    meanT += p.t;
    meanY += p.y;
  }
  meanT /= n;
  meanY /= n;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p.y - meanY);
    syy += (p.y - meanY) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = meanY - slope * meanT;
  const sse = Math.max(0, syy - slope * sxy);
  const sigma = n > 2 ? Math.sqrt(sse / (n - 2)) : 0;
  const slopeError = sxx > 0 && n > 2 ? sigma / Math.sqrt(sxx) : Infinity;
  const r2 = syy > 0 ? 1 - sse / syy : 0;
  return { slope, intercept, slopeError, r2, sigma, n, meanT, meanY };
}

export type Direction = 'above' | 'below';

export interface Crossing {
  /** Time from the last point to the crossing (series time units). */
  eta: number;
  /** Earliest and latest plausible crossing; latest is null when the trend could be flat. */
  interval: { low: number; high: number | null };
}

export type TrendVerdict = ({ trend: 'toward'; fit: LinearFit } & Crossing) | { trend: 'none' | 'away' | 'crossed'; fit: LinearFit; reason: string };

export interface LinearOptions {
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /** Below this R², the line is too poor a fit to extrapolate (default 0.3). */
  minR2?: number;
}

export function linearCrossing(points: readonly TrendPoint[], threshold: number, direction: Direction, options: LinearOptions = {}): TrendVerdict {
  const fit = fitLine(points);
  const last = points[points.length - 1].t;
  const confidence = options.confidence ?? 0.95;
  const minR2 = options.minR2 ?? 0.3;
  const sign = direction === 'above' ? 1 : -1;
  const latest = points[points.length - 1].y;
  if (sign * (latest - threshold) >= 0) return { trend: 'crossed', fit, reason: `the latest value ${latest} is already ${direction} ${threshold}` };
  const tCrit = studentQuantile(1 - (1 - confidence) / 2, Math.max(1, fit.n - 2));
  const significant = Math.abs(fit.slope) > tCrit * fit.slopeError;
  if (!significant || fit.r2 < minR2) {
    return {
      trend: 'none',
      fit,
      reason: `no significant trend (slope ${fit.slope.toPrecision(3)} ± ${(tCrit * fit.slopeError).toPrecision(3)}, R² ${fit.r2.toFixed(2)})`,
    };
  }
  if (sign * fit.slope <= 0) return { trend: 'away', fit, reason: `the trend moves away from ${threshold}` };
  // The line may pass the threshold before the last point while the values have not yet: that is now.
  const crossingAt = (slope: number) => Math.max(0, fit.meanT + (threshold - fit.meanY) / slope - last);
  const steep = fit.slope + sign * tCrit * fit.slopeError;
  const shallow = fit.slope - sign * tCrit * fit.slopeError;
  return {
    trend: 'toward',
    fit,
    eta: crossingAt(fit.slope),
    interval: { low: crossingAt(steep), high: sign * shallow > 0 ? crossingAt(shallow) : null },
  };
}
