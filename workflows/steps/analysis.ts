/**
 * `analysis:` — measure metrics every `interval` (each measurement an `analysis.measure`
 * activity, so every number is in history), judge them against their conditions, and
 * optionally compare canary with baseline (`analysis.judge`, Mann-Whitney). Failed or Error
 * fails the step (and the rollout's onFailure rolls back); Inconclusive waits for an
 * operator — promote accepts, retry analyses again, abort rolls back — until
 * `inconclusive.timeout`, then applies `inconclusive.default` (fail unless said otherwise).
 */
import { condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import { parseDuration } from '../../src/dsl/duration';
import { ANALYSIS_JUDGE, ANALYSIS_MEASURE } from '../../src/dsl/step-kinds';
import type { AnalysisSpec, AnalysisStep, JudgeMetric } from '../../src/dsl/types';
import { MetricTally, overallVerdict, type Verdict } from '../analysis-metric';
import { runbookError, toStepError } from '../errors';
import type { StepContext } from '../scope';
import type { ActionEnvelope } from './action';
import { takeDecision, waitForDecision } from './decision';
import type { BackgroundControl, StepRunner } from './runner';

type Activity = (args: unknown) => Promise<unknown>;

const DEFAULT_INTERVAL = '10s';

/** With `background: true` an analysis runs alongside the steps after it in its list, failing them when it fails. */
export const analysisRunner: StepRunner<'analysis'> = {
  run: (step, ctx, call) => runAnalysis(step, ctx, call.background),
  background: (step) => step.analysis.background === true,
};

export async function runAnalysis(step: AnalysisStep, ctx: StepContext, background?: BackgroundControl): Promise<unknown> {
  for (;;) {
    const result = await measureAll(step.analysis, ctx, background);
    if (result.verdict === 'Successful' || result.verdict === 'Skipped') return result;
    if (result.verdict !== 'Inconclusive') {
      const code = result.verdict === 'Failed' ? 'ANALYSIS_FAILED' : 'ANALYSIS_ERROR';
      throw runbookError(code, `analysis ${ctx.path}: ${result.verdict} (${result.reason})`, result);
    }
    const decision = await decide(step.analysis, ctx, background, result);
    if (decision !== 'retry') return { ...result, ...decision };
  }
}

interface AnalysisResult {
  verdict: Verdict | 'Skipped';
  reason: string;
  rounds: number;
  metrics: Record<string, unknown>[];
  judge?: unknown;
  promotedBy?: string;
}

async function measureAll(spec: AnalysisSpec, ctx: StepContext, background?: BackgroundControl): Promise<AnalysisResult> {
  const defaults = ctx.run.loaded.resolved.actions;
  if (!defaults[ANALYSIS_MEASURE]) throw runbookError('UNKNOWN_ACTION', `${ANALYSIS_MEASURE} is not registered on this worker`);
  const measure = activity(ctx, ANALYSIS_MEASURE, defaults[ANALYSIS_MEASURE].timeout, 'measure');
  const intervalMs = await ctx.evaluator.durationMs(spec.interval ?? DEFAULT_INTERVAL, ctx.bindings());
  const count = spec.count !== undefined ? Number(await ctx.evaluator.value(spec.count, ctx.bindings())) : background ? Infinity : 1;
  if (!(count >= 1)) throw runbookError('BAD_ANALYSIS', `count of analysis ${ctx.path} is ${JSON.stringify(spec.count)}, which is not a positive number`);
  const tallies = (spec.metrics ?? []).map((m) => new MetricTally(m));
  const samples = new Map<string, { baseline: number[]; canary: number[] }>((spec.judge?.metrics ?? []).map((m) => [m.name, { baseline: [], canary: [] }]));
  const fullPromotions = () => ctx.run.signals().promote.filter((p) => p.full).length;
  const promotedAtStart = fullPromotions();
  // Waits end early when the watched steps finish, or (in the foreground) on `promote --full`.
  const interrupted = () => background?.stopped === true || (!background && fullPromotions() > promotedAtStart);

  if (spec.initialDelay) await condition(interrupted, await ctx.evaluator.durationMs(spec.initialDelay, ctx.bindings()));
  let rounds = 0;
  let verdict: Verdict | undefined;
  while (rounds < count && !interrupted()) {
    if (rounds > 0 && (await condition(interrupted, intervalMs))) break;
    rounds += 1;
    await Promise.all([
      ...tallies.map(async (tally) => {
        const provider = tally.spec.provider ?? spec.provider ?? 'router';
        const query = await ctx.evaluator.deep(tally.spec.query, ctx.bindings());
        const at = new Date().toISOString();
        try {
          const value = ((await measure(measureArgs(spec, provider, query))) as { value: number | null }).value;
          if (value === null) return tally.add({ at, value, outcome: 'inconclusive' });
          const bindings = { ...ctx.bindings(), result: value };
          const success = tally.spec.successCondition !== undefined ? await ctx.evaluator.truthy(tally.spec.successCondition, bindings) : undefined;
          const failure = tally.spec.failureCondition !== undefined ? await ctx.evaluator.truthy(tally.spec.failureCondition, bindings) : undefined;
          tally.add({ at, value, outcome: MetricTally.outcome(success, failure) });
        } catch (err) {
          if (isCancellation(err)) throw err;
          tally.add({ at, outcome: 'error', error: toStepError(err).message });
        }
      }),
      ...(spec.judge?.metrics ?? []).map((m) => sampleJudged(spec, m, ctx, measure, samples.get(m.name)!)),
    ]);
    verdict = overallVerdict(tallies.map((t) => t.verdict()));
    ctx.run.update(ctx.record, {
      note: `round ${rounds}${count === Infinity ? '' : `/${count}`}: ${tallies.map((t) => `${t.spec.name} ${t.measurements.at(-1)?.value ?? t.measurements.at(-1)?.outcome}`).join(', ') || 'sampling'}`,
    });
    if (verdict !== 'Successful') break;
  }
  const metrics = tallies.map((t) => t.report());
  if (!background && fullPromotions() > promotedAtStart && verdict !== 'Failed') {
    const by = ctx.run
      .signals()
      .promote.filter((p) => p.full)
      .at(-1)!.by;
    return { verdict: 'Skipped', reason: `promoted to the end by ${by}`, rounds, metrics, promotedBy: by };
  }
  if (verdict && verdict !== 'Successful') return { verdict, reason: reasonOf(tallies, verdict), rounds, metrics };
  if (!spec.judge)
    return {
      verdict: rounds === 0 ? 'Inconclusive' : 'Successful',
      reason: rounds === 0 ? 'stopped before the first measurement' : `${rounds} round(s) within limits`,
      rounds,
      metrics,
    };
  const judge = await judgeSamples(spec, ctx, samples);
  return { verdict: judge.verdict, reason: `judge: ${judge.reason ?? judge.verdict} (score ${judge.score})`, rounds, metrics, judge };
}

function measureArgs(spec: AnalysisSpec, provider: string, query: unknown): Record<string, unknown> {
  const where = spec.address ? { [provider === 'router' ? 'adminUrl' : 'url']: spec.address } : {};
  return { provider, query, ...where };
}

/** One baseline and one canary value of a judged metric; a missing value is simply not a sample. */
async function sampleJudged(
  spec: AnalysisSpec,
  metric: JudgeMetric,
  ctx: StepContext,
  measure: Activity,
  into: { baseline: number[]; canary: number[] },
): Promise<void> {
  const provider = metric.provider ?? spec.provider ?? 'router';
  const query = await ctx.evaluator.deep(metric.query, ctx.bindings());
  await Promise.all(
    (['baseline', 'canary'] as const).map(async (side) => {
      const pool = String(await ctx.evaluator.value(spec.judge![side], ctx.bindings()));
      const forPool = typeof query === 'string' ? query.split('{{pool}}').join(pool) : { ...(query as object), pool };
      try {
        const value = ((await measure(measureArgs(spec, provider, forPool))) as { value: number | null }).value;
        if (typeof value === 'number' && Number.isFinite(value)) into[side].push(value);
      } catch (err) {
        if (isCancellation(err)) throw err;
      }
    }),
  );
}

interface Judgement {
  verdict: Verdict;
  score: number;
  reason?: string;
}

async function judgeSamples(spec: AnalysisSpec, ctx: StepContext, samples: Map<string, { baseline: number[]; canary: number[] }>): Promise<Judgement> {
  const defaults = ctx.run.loaded.resolved.actions[ANALYSIS_JUDGE];
  if (!defaults) throw runbookError('UNKNOWN_ACTION', `${ANALYSIS_JUDGE} is not registered on this worker`);
  const judge = spec.judge!;
  return (await activity(
    ctx,
    ANALYSIS_JUDGE,
    defaults.timeout,
    'judge',
  )({
    metrics: judge.metrics.map((m) => ({
      name: m.name,
      ...samples.get(m.name)!,
      ...(m.direction ? { direction: m.direction } : {}),
      ...(m.tolerance !== undefined ? { tolerance: m.tolerance } : {}),
      ...(m.absoluteTolerance !== undefined ? { absoluteTolerance: m.absoluteTolerance } : {}),
      ...(m.critical !== undefined ? { critical: m.critical } : {}),
      ...(m.weight !== undefined ? { weight: m.weight } : {}),
    })),
    ...(judge.confidence !== undefined ? { confidence: judge.confidence } : {}),
    ...(judge.pass !== undefined ? { pass: judge.pass } : {}),
    ...(judge.marginal !== undefined ? { marginal: judge.marginal } : {}),
    ...(judge.minSamples !== undefined ? { minSamples: judge.minSamples } : {}),
  })) as Judgement;
}

/** Measurements are not retried by Temporal: the analysis counts provider errors itself (consecutiveErrorLimit). */
function activity(ctx: StepContext, name: string, timeout: string, verb: string): Activity {
  const run = proxyActivities<Record<string, (a: unknown) => Promise<ActionEnvelope>>>({
    startToCloseTimeout: parseDuration(timeout),
    retry: { maximumAttempts: 1 },
    summary: `${ctx.path}: analysis ${verb}`,
  })[name];
  return async (args) => (await run(args)).output;
}

function reasonOf(tallies: MetricTally[], verdict: Verdict): string {
  const culprits = tallies
    .filter((t) => t.verdict() === verdict)
    .map((t) => {
      const last = t.measurements.at(-1);
      return `${t.spec.name}: ${t.failed} failed, ${t.inconclusive} inconclusive, ${t.errors} errors${last?.value !== undefined ? `, last value ${last.value}` : ''}${last?.error ? `, last error ${last.error}` : ''}`;
    });
  return culprits.join('; ');
}

/** An inconclusive verdict holds the run for a person; a background analysis also pauses the steps it watches. */
async function decide(
  spec: AnalysisSpec,
  ctx: StepContext,
  background: BackgroundControl | undefined,
  result: AnalysisResult,
): Promise<'retry' | Record<string, unknown>> {
  const timeoutMs = spec.inconclusive?.timeout ? await ctx.evaluator.durationMs(spec.inconclusive.timeout, ctx.bindings()) : undefined;
  const run = ctx.run;
  run.inconclusive.add(ctx.path);
  if (background) run.paused = true;
  const note = `inconclusive (${result.reason}); promote accepts, retry analyses again, abort rolls back${timeoutMs !== undefined ? `; ${spec.inconclusive?.default ?? 'fail'} at ${new Date(Date.now() + timeoutMs).toISOString()}` : ''}`;
  try {
    const answered = (await waitForDecision(run, ctx.record, ctx.path, { output: result, note }, timeoutMs)) !== false;
    const decision = takeDecision(run, ctx.path);
    if (!answered || decision === undefined) {
      if (spec.inconclusive?.default === 'pass') return { acceptedBy: 'timeout default (pass)' };
      throw runbookError('ANALYSIS_INCONCLUSIVE', `analysis ${ctx.path} was inconclusive and nobody decided within ${spec.inconclusive?.timeout}`, result);
    }
    if (decision === 'retry') return 'retry';
    const by = run.overrides.filter((o) => o.accepted && (o.action === 'promote' || o.action === 'skip')).at(-1)?.by;
    return { acceptedBy: by ?? 'an operator', decision };
  } finally {
    run.inconclusive.delete(ctx.path);
    run.decisions.delete(ctx.path); // still pending when the wait was cancelled (abort)
    if (background) run.paused = false;
    run.update(ctx.record, { status: 'running' });
  }
}
