/**
 * Time to threshold ("disk full in 42 min"): whether a metric is trending towards a
 * threshold, and when it will get there, with an interval.
 *
 * Two methods, one answer:
 * - the linear regression decides whether there is a trend at all (slope significant at
 *   95%, R² >= 0.3); if not, the answer is an honest "no trend" rather than a date made up
 *   from noise.
 * - Holt's smoothing says when: it weighs recent values more, so a metric that started
 *   climbing faster lately crosses sooner, and one that has flattened crosses later, than
 *   the regression over the whole window says. When its recent trend does not reach the
 *   threshold at all (the metric turned), the answer is "no trend" too.
 * The interval spans the regression's 95% interval and Holt's estimate: when the two
 * methods disagree, the date is at least that uncertain. (Holt's own forecast interval is
 * not used: under its model the trend itself wanders, so the bounds widen with the cube of
 * the horizon and say "maybe never" even for a clean straight line.)
 * Both methods' own answers are returned alongside, so a runbook can show its working.
 *
 * Times are in the series' own units: milliseconds for epoch-ms (or ISO) timestamps,
 * rows for bare values. Holt needs even spacing: timestamped series are stepped by their
 * median interval.
 */
import { PredictError } from './errors';
import { cleanPoints, type CleanPoints, type SeriesInput } from './series';
import { fitHolt, holtCrossing, type HoltFit } from './trend-holt';
import { linearCrossing, type Direction, type TrendVerdict } from './trend-linear';

export const MIN_TREND_POINTS = 5;
/** Extrapolate at most this many times the observed span. */
const MAX_HORIZON_SPANS = 100;

export interface TimeToThresholdOptions {
  threshold: number;
  /** 'above': rising to reach it (disk usage); 'below': falling to reach it (free space). */
  direction: Direction;
  /** Only the latest this many points (default: all). */
  window?: number;
}

export interface TimeToThreshold {
  status: 'trend' | 'no-trend' | 'crossed';
  /** Time until the crossing (series units), null without a trend. */
  eta: number | null;
  interval: { low: number | null; high: number | null } | null;
  reason?: string;
  unit: 'ms' | 'rows';
  /** The last usable point's time (or row): the ETA counts from there. */
  from: number | null;
  points: number;
  skipped: CleanPoints['skipped'];
  linear: {
    status: TrendVerdict['trend'];
    slope: number;
    r2: number;
    eta: number | null;
    interval: { low: number; high: number | null } | null;
    reason?: string;
  };
  holt: { alpha: number; beta: number; trendPerStep: number; eta: number | null; interval: { low: number | null; high: number | null } } | null;
}

export function timeToThreshold(series: SeriesInput, options: TimeToThresholdOptions): TimeToThreshold {
  const { threshold, direction } = options;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    throw new PredictError('PREDICT_BAD_OPTION', `threshold must be a finite number, not ${String(threshold)}`);
  if (direction !== 'above' && direction !== 'below')
    throw new PredictError('PREDICT_BAD_OPTION', `direction must be "above" or "below", not ${String(direction)}`);
  const clean = cleanPoints(series);
  const points = options.window ? clean.points.slice(-options.window) : clean.points;
  const unit = clean.timed ? 'ms' : 'rows';
  const base = { unit, from: points.length > 0 ? points[points.length - 1].t : null, points: points.length, skipped: clean.skipped } as const;
  if (points.length < MIN_TREND_POINTS) {
    return {
      ...base,
      status: 'no-trend',
      eta: null,
      interval: null,
      reason: `too few points: ${points.length} usable, at least ${MIN_TREND_POINTS} needed`,
      linear: { status: 'none', slope: 0, r2: 0, eta: null, interval: null, reason: 'too few points' },
      holt: null,
    };
  }
  const line = linearCrossing(points, threshold, direction);
  const linear =
    line.trend === 'toward'
      ? { status: line.trend, slope: line.fit.slope, r2: line.fit.r2, eta: line.eta, interval: line.interval }
      : { status: line.trend, slope: line.fit.slope, r2: line.fit.r2, eta: null, interval: null, reason: line.reason };

  const step = clean.timed ? medianStep(points) : 1;
  const holtFit: HoltFit = fitHolt(points.map((p) => p.y));
  const sign = direction === 'above' ? 1 : -1;
  const span = points[points.length - 1].t - points[0].t;
  const horizon = Math.max(1, Math.ceil((MAX_HORIZON_SPANS * span) / step));
  const crossing = holtCrossing(holtFit, threshold, sign, Math.min(horizon, 1_000_000));
  const toTime = (steps: number | null) => (steps === null ? null : steps * step);
  const holt = {
    alpha: holtFit.alpha,
    beta: holtFit.beta,
    trendPerStep: holtFit.trend,
    eta: toTime(crossing.eta),
    interval: { low: toTime(crossing.interval.low), high: toTime(crossing.interval.high) },
  };

  if (line.trend === 'crossed') return { ...base, status: 'crossed', eta: 0, interval: { low: 0, high: 0 }, reason: line.reason, linear, holt };
  if (line.trend !== 'toward') return { ...base, status: 'no-trend', eta: null, interval: null, reason: line.reason, linear, holt };
  if (holt.eta === null) {
    return {
      ...base,
      status: 'no-trend',
      eta: null,
      interval: null,
      reason: 'the long-run trend points at the threshold, but recent values have turned away from it',
      linear,
      holt,
    };
  }
  const eta = holt.eta;
  const interval = {
    low: Math.min(line.interval.low, holt.eta),
    high: line.interval.high === null ? null : Math.max(line.interval.high, holt.eta),
  };
  return { ...base, status: 'trend', eta, interval, linear, holt };
}

function medianStep(points: readonly { t: number }[]): number {
  const steps = points
    .slice(1)
    .map((p, i) => p.t - points[i].t)
    .sort((a, b) => a - b);
  return steps[steps.length >> 1] || 1;
}
