/**
 * A baseline-versus-canary judge in the manner of Kayenta: each metric's two samples are
 * compared with the Mann-Whitney U test, and a metric fails only when the difference is both
 * statistically significant (p below 1 − confidence) and large enough to matter (the
 * relative change of the medians beyond its tolerance) in the direction that is bad for it.
 * Metrics without enough data are NoData: never a pass. The weighted share of passing
 * metrics is the score; the score against the `pass` and `marginal` thresholds, and any
 * critical metric, give the verdict.
 *
 * Every number that led to the verdict is in the result, because the result is recorded in
 * the workflow history as the evidence for a promotion or a rollback.
 */
import { mannWhitneyU, median, type MannWhitneyMethod } from './mann-whitney';
import { GenieError } from '../errors/genie-error';

/** Which change is bad: `increase` (higher is bad: latency, errors), `decrease` (throughput), `either`. */
export type Direction = 'increase' | 'decrease' | 'either';
export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';
export type Verdict = 'Successful' | 'Inconclusive' | 'Failed';

export interface MetricInput {
  name: string;
  baseline: readonly number[];
  canary: readonly number[];
  /** Default `increase`. */
  direction?: Direction;
  /** Allowed relative change of the median, e.g. 0.1 = 10% (default DEFAULTS.tolerance). */
  tolerance?: number;
  /** Allowed absolute change of the median, for metrics whose baseline is often 0 (error rates); a change within either tolerance passes. */
  absoluteTolerance?: number;
  /** A critical metric that is High/Low fails the whole judgement; NoData makes it inconclusive. */
  critical?: boolean;
  /** Share of the score (default 1). */
  weight?: number;
}

export interface JudgeOptions {
  /** Confidence of the U test (default 0.98: significant when p < 0.02). */
  confidence?: number;
  /** Score (0-100) at or above which the verdict is Successful (default 95). */
  pass?: number;
  /** Score at or above which a non-passing judgement is Inconclusive rather than Failed (default 75). */
  marginal?: number;
  /** Fewer values than this on either side is NoData (default 3). */
  minSamples?: number;
}

export interface MetricJudgement {
  name: string;
  classification: Classification;
  /** Passing counts toward the score. */
  passed: boolean;
  critical: boolean;
  weight: number;
  direction: Direction;
  tolerance: number;
  absoluteTolerance: number | null;
  baseline: { count: number; median: number | null };
  canary: { count: number; median: number | null };
  /** canary median − baseline median. */
  absoluteChange: number | null;
  /** (canary − baseline) / |baseline| of the medians; null when the baseline median is 0 and the canary's is not. */
  relativeChange: number | null;
  /** Which way the canary moved (by the medians), whether or not that is bad. */
  shift: 'higher' | 'lower' | 'none';
  significant: boolean;
  withinTolerance: boolean;
  test: { u: number; uBaseline: number; uCanary: number; z: number; pValue: number; method: MannWhitneyMethod; ties: boolean } | null;
  reason: string;
}

export interface Judgement {
  verdict: Verdict;
  /** 0-100: weighted percentage of passing metrics. */
  score: number;
  reason: string;
  thresholds: { pass: number; marginal: number; confidence: number; alpha: number; minSamples: number };
  counts: Record<Classification, number>;
  /** Share (0-1) of the total weight that is NoData. */
  noDataWeightShare: number;
  metrics: MetricJudgement[];
}

export const DEFAULTS = { confidence: 0.98, pass: 95, marginal: 75, minSamples: 3, tolerance: 0.1, direction: 'increase' as Direction, weight: 1 } as const;

export class JudgeInputError extends GenieError {
  readonly code = 'JUDGE_BAD_INPUT';
}

export function judge(metrics: readonly MetricInput[], options: JudgeOptions = {}): Judgement {
  const confidence = options.confidence ?? DEFAULTS.confidence;
  const pass = options.pass ?? DEFAULTS.pass;
  const marginal = options.marginal ?? DEFAULTS.marginal;
  const minSamples = options.minSamples ?? DEFAULTS.minSamples;
  if (!(confidence > 0 && confidence < 1)) throw new JudgeInputError(`confidence must be between 0 and 1 (exclusive), e.g. 0.98, not ${confidence}`);
  if (!(pass >= 0 && pass <= 100) || !(marginal >= 0 && marginal <= pass))
    throw new JudgeInputError(`thresholds need 0 ≤ marginal ≤ pass ≤ 100; got marginal ${marginal}, pass ${pass}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new JudgeInputError(`minSamples must be a positive integer, not ${minSamples}`);
  if (metrics.length === 0) throw new JudgeInputError('give at least one metric to judge');
  const names = new Set<string>();
  for (const m of metrics) {
    if (names.has(m.name)) throw new JudgeInputError(`metric '${m.name}' is given twice; names must be unique`);
    names.add(m.name);
  }

  const alpha = 1 - confidence;
  const judged = metrics.map((m) => judgeMetric(m, alpha, minSamples));
  const totalWeight = judged.reduce((s, m) => s + m.weight, 0);
  const weightOf = (f: (m: MetricJudgement) => boolean) => judged.filter(f).reduce((s, m) => s + m.weight, 0);
  const score = totalWeight > 0 ? round((100 * weightOf((m) => m.passed)) / totalWeight, 2) : 0;
  const noDataWeightShare = totalWeight > 0 ? round(weightOf((m) => m.classification === 'NoData') / totalWeight, 4) : 1;
  const counts: Record<Classification, number> = { Pass: 0, High: 0, Low: 0, NoData: 0 };
  for (const m of judged) counts[m.classification]++;

  const { verdict, reason } = decide(judged, score, noDataWeightShare, pass, marginal);
  return {
    verdict,
    score,
    reason,
    thresholds: { pass, marginal, confidence, alpha: round(alpha, 10), minSamples },
    counts,
    noDataWeightShare,
    metrics: judged,
  };
}

function decide(judged: MetricJudgement[], score: number, noDataShare: number, pass: number, marginal: number): { verdict: Verdict; reason: string } {
  const criticalFailed = judged.filter((m) => m.critical && (m.classification === 'High' || m.classification === 'Low'));
  if (criticalFailed.length > 0)
    return { verdict: 'Failed', reason: `critical metric ${criticalFailed.map((m) => `${m.name} is ${m.classification}`).join(', ')}` };
  const criticalNoData = judged.filter((m) => m.critical && m.classification === 'NoData');
  if (criticalNoData.length > 0)
    return {
      verdict: 'Inconclusive',
      reason: `critical metric ${criticalNoData.map((m) => m.name).join(', ')} has no data; a critical metric cannot pass unmeasured`,
    };
  if (score >= pass) return { verdict: 'Successful', reason: `score ${score} ≥ pass ${pass}` };
  if (noDataShare >= 0.5)
    return { verdict: 'Inconclusive', reason: `${Math.round(noDataShare * 100)}% of the weight has no data (score ${score}); not enough data is never a pass` };
  if (score >= marginal) return { verdict: 'Inconclusive', reason: `score ${score} is marginal (≥ ${marginal}, < ${pass})` };
  return { verdict: 'Failed', reason: `score ${score} < marginal ${marginal}` };
}

export function judgeMetric(m: MetricInput, alpha: number, minSamples: number): MetricJudgement {
  const direction = m.direction ?? DEFAULTS.direction;
  const tolerance = m.tolerance ?? DEFAULTS.tolerance;
  const weight = m.weight ?? DEFAULTS.weight;
  if (!['increase', 'decrease', 'either'].includes(direction))
    throw new JudgeInputError(`metric '${m.name}': direction must be increase, decrease or either, not ${JSON.stringify(direction)}`);
  if (!(tolerance >= 0)) throw new JudgeInputError(`metric '${m.name}': tolerance must be ≥ 0 (a share such as 0.1), not ${tolerance}`);
  if (m.absoluteTolerance !== undefined && !(m.absoluteTolerance >= 0))
    throw new JudgeInputError(`metric '${m.name}': absoluteTolerance must be ≥ 0, not ${m.absoluteTolerance}`);
  if (!(weight >= 0) || !Number.isFinite(weight)) throw new JudgeInputError(`metric '${m.name}': weight must be a finite number ≥ 0, not ${weight}`);
  // Missing measurements (null, NaN) are not values; they count toward NoData.
  const baseline = m.baseline.filter(isFiniteNumber);
  const canary = m.canary.filter(isFiniteNumber);
  const base = {
    name: m.name,
    critical: m.critical ?? false,
    weight,
    direction,
    tolerance,
    absoluteTolerance: m.absoluteTolerance ?? null,
    baseline: { count: baseline.length, median: baseline.length > 0 ? median(baseline) : null },
    canary: { count: canary.length, median: canary.length > 0 ? median(canary) : null },
  };
  if (baseline.length < minSamples || canary.length < minSamples) {
    return {
      ...base,
      classification: 'NoData',
      passed: false,
      absoluteChange: null,
      relativeChange: null,
      shift: 'none',
      significant: false,
      withinTolerance: false,
      test: null,
      reason: `not enough data: baseline ${baseline.length}, canary ${canary.length} values; at least ${minSamples} each are needed`,
    };
  }
  const test = mannWhitneyU(baseline, canary);
  const b = base.baseline.median!;
  const c = base.canary.median!;
  const absoluteChange = c - b;
  const relativeChange = b !== 0 ? absoluteChange / Math.abs(b) : c === 0 ? 0 : null;
  const shift = absoluteChange > 0 ? 'higher' : absoluteChange < 0 ? 'lower' : 'none';
  const withinTolerance =
    (relativeChange !== null && Math.abs(relativeChange) <= tolerance) ||
    (m.absoluteTolerance !== undefined && Math.abs(absoluteChange) <= m.absoluteTolerance);
  const significant = test.pValue < alpha;
  const bad = shift === 'higher' ? direction !== 'decrease' : shift === 'lower' ? direction !== 'increase' : false;
  const change = relativeChange === null ? `from 0 to ${fmt(c)}` : `${relativeChange >= 0 ? '+' : ''}${fmt(relativeChange * 100)}%`;
  const p = `p=${fmt(test.pValue)} ${significant ? '<' : '≥'} α=${fmt(alpha)}`;

  let classification: Classification = 'Pass';
  let reason: string;
  if (!significant) reason = `no significant difference (${p}; median ${change})`;
  else if (withinTolerance) reason = `significant but small: median ${change} is within the tolerance (${p})`;
  else if (!bad) reason = `median ${change} (${p}), a change this metric's direction (${direction}) does not count against it`;
  else {
    classification = shift === 'higher' ? 'High' : 'Low';
    reason = `canary median ${fmt(c)} vs baseline ${fmt(b)} (${change}) is beyond the tolerance ${fmt(tolerance * 100)}%${m.absoluteTolerance !== undefined ? ` / ${fmt(m.absoluteTolerance)}` : ''} and significant (${p})`;
  }
  return {
    ...base,
    classification,
    passed: classification === 'Pass',
    absoluteChange: round(absoluteChange, 9),
    relativeChange: relativeChange === null ? null : round(relativeChange, 9),
    shift,
    significant,
    withinTolerance,
    test: {
      u: test.u,
      uBaseline: test.uBaseline,
      uCanary: test.uCanary,
      z: round(test.z, 6),
      pValue: round(test.pValue, 9),
      method: test.method,
      ties: test.ties,
    },
    reason,
  };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}
