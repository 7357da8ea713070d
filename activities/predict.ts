/**
 * `predict.score` and `predict.timeToThreshold`: the predictors of src/predict as runbook
 * actions. Pure computation over the series in the arguments, so both are deterministic:
 * the same series (and seed) gives the same answer on any worker, on any retry.
 *
 * `predict.score` streams the series through a fresh detector (one row at a time, no
 * look-ahead, exactly as in the NAB evaluation) and flags rows whose score reaches the
 * threshold (default: the detector's frozen standard-profile rule, tuned on the NAB
 * development split). Bad values are skipped with a reason, never scored NaN. A series
 * too short for any score is answered with status 'insufficient-data', not an error: a
 * watcher that has just started is not failing.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { detections } from '../src/predict/alerts';
import { DETECTOR_NAMES, type DetectorName } from '../src/predict/detector';
import { PredictError } from '../src/predict/errors';
import { MetricStream, type StreamScore } from '../src/predict/metric-stream';
import { createDetector } from '../src/predict/registry';
import { observations, type SeriesInput } from '../src/predict/series';
import { frozenRule } from '../src/predict/thresholds';
import { timeToThreshold as predictTimeToThreshold } from '../src/predict/time-to-threshold';

/** History is not a blob store: a bigger series belongs in a metrics system, queried by window. */
export const MAX_SERIES = 50_000;
/** With default options no score can be non-zero before this many usable values (30 to warm a model up, 100 for the likelihood). */
export const MIN_SCORED_POINTS = 131;

const Series = Type.Union(
  [
    Type.Array(Type.Union([Type.Number(), Type.Null()]), { maxItems: MAX_SERIES }),
    Type.Array(
      Type.Object({ timestamp: Type.Union([Type.Number(), Type.String()]), value: Type.Union([Type.Number(), Type.Null()]) }, { additionalProperties: false }),
      { maxItems: MAX_SERIES },
    ),
  ],
  { description: 'Values in time order (null for a missing sample), or {timestamp: epoch ms | ISO date, value} points, e.g. metrics.sample output' },
);

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export const score = defineAction({
  name: 'predict.score',
  description:
    'Scores a metric series for anomalies (streaming, no look-ahead); returns per-point scores and likelihoods, the anomalies, and the latest verdict.',
  args: Type.Object(
    {
      series: Series,
      detector: Type.Optional(
        Type.Union(
          DETECTOR_NAMES.map((d) => Type.Literal(d)),
          { default: 'ensemble' },
        ),
      ),
      tail: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: 'Return only the last N scores and likelihoods (a watcher keeps its history small); anomalies and latest are unaffected',
        }),
      ),
      threshold: Type.Optional(
        Type.Number({ minimum: 0, maximum: 1, description: 'Score at or above which a point is an anomaly (default: the frozen NAB-tuned value)' }),
      ),
      cooldown: Type.Optional(Type.Integer({ minimum: 0, description: 'Points after an anomaly during which no new one is flagged (default: frozen)' })),
      period: Type.Optional(Type.Integer({ minimum: 2, description: 'Season length in points, when known (otherwise detected)' })),
      seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Isolation forest seed (default 42)' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '1m', retry: { maxAttempts: 2 } },
  run: async (args) => {
    const detector = (args.detector ?? 'ensemble') as DetectorName;
    const frozen = guard(() => frozenRule(detector));
    const rule = { threshold: args.threshold ?? frozen.threshold, cooldown: args.cooldown ?? frozen.cooldown };
    const points = guard(() => observations(args.series as SeriesInput));
    const stream = new MetricStream(guard(() => createDetector(detector, { period: args.period, seed: args.seed })));
    const scored: StreamScore[] = points.map((p) => stream.push(p.value, p.timestamp));
    const scores = scored.map((s) => s.score);
    const flagged = detections(scores, rule).filter((i) => scored[i].skipped === undefined);
    const usable = stream.counts.scored;
    const lastUsable = scored
      .map((s, i) => [s, i] as const)
      .filter(([s]) => !s.skipped)
      .pop();
    return {
      status: usable >= MIN_SCORED_POINTS ? ('ok' as const) : ('insufficient-data' as const),
      ...(usable < MIN_SCORED_POINTS ? { reason: `${usable} usable points; scores stay 0 until about ${MIN_SCORED_POINTS}` } : {}),
      detector,
      threshold: rule.threshold,
      cooldown: rule.cooldown,
      points: points.length,
      scored: usable,
      skipped: Object.fromEntries(Object.entries(stream.counts.skipped).filter(([, n]) => n > 0)),
      gaps: scored.flatMap((s, i) => (s.gapBefore ? [{ index: i, missing: s.gapBefore }] : [])),
      scores: last(
        scores.map((s) => round(s)),
        args.tail,
      ),
      /** 1 - tail probability: how unlikely the recent behaviour is under the stream's own history. */
      likelihood: last(
        scored.map((s) => round(1 - s.tail, 6)),
        args.tail,
      ),
      ...(args.tail !== undefined ? { firstIndex: Math.max(0, scores.length - args.tail) } : {}),
      anomalies: flagged.map((i) => ({
        index: i,
        ...(points[i].timestamp !== undefined ? { timestamp: points[i].timestamp } : {}),
        value: points[i].value,
        score: round(scores[i]),
        likelihood: round(1 - scored[i].tail, 6),
      })),
      latest: lastUsable
        ? {
            index: lastUsable[1],
            score: round(lastUsable[0].score),
            likelihood: round(1 - lastUsable[0].tail, 6),
            anomalous: lastUsable[0].score >= rule.threshold,
          }
        : null,
    };
  },
});

export const timeToThreshold = defineAction({
  name: 'predict.timeToThreshold',
  description:
    'Predicts when a trending metric crosses a threshold (linear regression + Holt smoothing), with an interval; answers no-trend when the fit is poor.',
  args: Type.Object(
    {
      series: Series,
      threshold: Type.Number(),
      direction: Type.Union([Type.Literal('above'), Type.Literal('below')], {
        description: 'above: rising to reach it (usage); below: falling to reach it (free space)',
      }),
      window: Type.Optional(Type.Integer({ minimum: 5, description: 'Use only the latest this many points' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 2 } },
  run: async (args) => {
    const result = guard(() =>
      predictTimeToThreshold(args.series as SeriesInput, { threshold: args.threshold, direction: args.direction, window: args.window }),
    );
    // Epoch-ms series get readable times as well; the numbers stay for expressions.
    if (result.unit === 'ms' && result.eta !== null && result.from !== null) {
      return { ...result, etaText: humanMs(result.eta), crossesAt: new Date(result.from + result.eta).toISOString() };
    }
    return result;
  },
});

/** Bad input is the caller's to fix; retrying cannot help. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof PredictError) throw ApplicationFailure.nonRetryable(error.message, error.code);
    throw error;
  }
}

function humanMs(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

function last<T>(values: T[], n: number | undefined): T[] {
  return n === undefined ? values : values.slice(-n);
}
