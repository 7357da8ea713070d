/**
 * Series as callers hand them over: bare values (evenly spaced, indexed by row) or
 * `{timestamp, value}` points with epoch-millisecond or ISO-8601 timestamps. JSON has no
 * NaN, so a missing value arrives as null.
 */
import { PredictError } from './errors';
import { MAX_MAGNITUDE, type SkipReason } from './metric-stream';

export interface TimedValue {
  timestamp: number | string;
  value: number | null;
}

export type SeriesInput = readonly (number | null)[] | readonly TimedValue[];

export interface Observation {
  value: number | null;
  /** Epoch ms (or whatever number the caller used); undefined for bare values. */
  timestamp?: number;
}

export function observations(series: SeriesInput): Observation[] {
  if (!Array.isArray(series)) throw new PredictError('PREDICT_BAD_INPUT', 'series must be a list of numbers or of {timestamp, value} points');
  return series.map((item: number | null | TimedValue, i: number): Observation => {
    if (item === null || typeof item === 'number') return { value: item };
    if (typeof item !== 'object' || !('value' in item))
      throw new PredictError('PREDICT_BAD_INPUT', `series[${i}] must be a number, null, or {timestamp, value}`);
    const value = item.value === null || typeof item.value === 'number' ? item.value : NaN;
    return { value, timestamp: parseTimestamp(item.timestamp, i) };
  });
}

function parseTimestamp(timestamp: unknown, index: number): number {
  const t = typeof timestamp === 'number' ? timestamp : typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  if (!Number.isFinite(t))
    throw new PredictError('PREDICT_BAD_INPUT', `series[${index}].timestamp ${JSON.stringify(timestamp)} is neither epoch milliseconds nor an ISO-8601 date`);
  return t;
}

export interface CleanPoints {
  /** Usable points in order: t is the timestamp, or the row index for bare values. */
  points: { t: number; y: number }[];
  timed: boolean;
  skipped: Partial<Record<SkipReason, number>>;
}

/**
 * The usable points, by the same rules a metric stream applies: missing and infinite
 * values, and timestamps not after the previous one, are dropped and counted.
 */
export function cleanPoints(series: SeriesInput): CleanPoints {
  const obs = observations(series);
  const timed = obs.some((o) => o.timestamp !== undefined);
  const skipped: Partial<Record<SkipReason, number>> = {};
  const count = (reason: SkipReason) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const points: { t: number; y: number }[] = [];
  obs.forEach((o, i) => {
    if (o.value === null || Number.isNaN(o.value)) return count('missing');
    if (!Number.isFinite(o.value)) return count('infinite');
    if (Math.abs(o.value) > MAX_MAGNITUDE) return count('out-of-range');
    const t = timed ? o.timestamp : i;
    if (t === undefined) throw new PredictError('PREDICT_BAD_INPUT', `series[${i}] has no timestamp while others do; give all points timestamps or none`);
    const last = points[points.length - 1];
    if (last && t < last.t) return count('out-of-order');
    if (last && t === last.t) return count('duplicate-timestamp');
    points.push({ t, y: o.value });
  });
  return { points, timed, skipped };
}
