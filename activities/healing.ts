/**
 * Self-healing actions. The decisions are pure (src/healing); these run them as activities
 * so every input and output is in history:
 *
 * - `heal.configure`: checks the runbook's checks/ladder/backoff/limits once, up front,
 *   and returns them normalized (bad configuration fails the run at its first step).
 * - `heal.watch`: the fast path. Probes every check on its own period inside one
 *   heartbeating activity and returns the moment the outcome is known — a watch as soon as
 *   a check reaches its failureThreshold, a verification as soon as every check passes
 *   (successThreshold) or one fails — with the evidence (trend of results per check).
 * - `heal.plan`: the ladder's next decision (see src/healing/plan.ts).
 * - `heal.cleanup`: frees space in an allowlisted temp/cache directory down to a size cap.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { activityContext, cancellationSignal } from './context';
import { formatDuration } from '../src/dsl/duration';
import { cleanupDirectory, CleanupError } from '../src/healing/cleanup';
import { HealingConfigError, healingConfig } from '../src/healing/config';
import { plan as decide } from '../src/healing/plan';
import { probeOnce } from './healing-probe';
import { CheckTracker, healthScore, outcomeAtEnd, settled } from '../src/healing/tracker';
import type { HealingConfig, Observation, ProbeSample } from '../src/healing/types';

const Params = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The self-healing parameters: checks, ladder, backoff, limits, watch, verify, trend, stopWhen',
});
/** Time an observation may need beyond its own length: the slowest probe, and hand-over. */
const OBSERVE_MARGIN_MS = 15_000;

function config(params: Record<string, unknown>): HealingConfig {
  try {
    return healingConfig(params);
  } catch (error) {
    if (error instanceof HealingConfigError) throw ApplicationFailure.nonRetryable(error.message, error.code);
    throw error;
  }
}

export const configure = defineAction({
  name: 'heal.configure',
  description: 'Checks and normalizes self-healing parameters (checks, ladder, backoff, limits); fails with where and what on a mistake.',
  args: Type.Object({ params: Params }, { additionalProperties: false }),
  defaults: { timeout: '10s', retry: { maxAttempts: 1 } },
  run: async (args) => {
    const c = config(args.params);
    const timeoutOf = (ms: number) => `${ms + Math.max(...c.checks.map((k) => k.timeoutMs)) + OBSERVE_MARGIN_MS}ms`;
    return {
      checks: c.checks.map(
        (k) => `${k.name}: ${k.kind} every ${formatDuration(k.periodMs)}, fails after ${k.failureThreshold}, passes after ${k.successThreshold}`,
      ),
      ladder: c.ladder.map((s) => `${s.name}: ${s.kind} via ${s.via}, up to ${s.maxAttempts}×${s.rollback ? `, rollback via ${s.rollback.via}` : ''}`),
      backoff: `${formatDuration(c.backoff.initialMs)} ×${c.backoff.factor} up to ${formatDuration(c.backoff.maxMs)}, reset after ${formatDuration(c.backoff.resetAfterMs)} healthy`,
      limits: `${c.maxAttemptsPerWindow} attempts per ${formatDuration(c.windowMs)}`,
      /** Step timeouts of the observation: after a worker crash the next worker resumes within this. */
      timeouts: { watch: timeoutOf(c.watchMs), verify: timeoutOf(c.verifyMs) },
    };
  },
});

export const watch = defineAction({
  name: 'heal.watch',
  description: 'Probes the checks every period (Kubernetes semantics) and returns as soon as the outcome is known, with the trend per check.',
  args: Type.Object(
    {
      params: Params,
      mode: Type.Optional(
        Type.Union([Type.Literal('watch'), Type.Literal('verify'), Type.Null()], {
          description: 'watch (default): until a check fails or the watch ends; verify: until settled',
        }),
      ),
      trend: Type.Optional(
        Type.Union([Type.Record(Type.String(), Type.Array(Type.Unknown())), Type.Null()], { description: 'The previous trend per check, continued' }),
      ),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '10m', retry: { maxAttempts: 1 } },
  run: async (args) => {
    const c = config(args.params);
    const mode = args.mode ?? 'watch';
    const previous = (args.trend ?? {}) as Record<string, ProbeSample[]>;
    return observe(c, mode, previous);
  },
});

/** One round of probing, each check on its own period, until settled or the time is up. */
export async function observe(c: HealingConfig, mode: 'watch' | 'verify', previous: Record<string, ProbeSample[]>): Promise<Observation> {
  const startedAt = new Date().toISOString();
  const lengthMs = mode === 'watch' ? c.watchMs : c.verifyMs;
  const trackers = c.checks.map((spec) => new CheckTracker(spec, previous[spec.name] ?? [], c.trendLength));
  const stop = new AbortController();
  const cancelled = cancellationSignal();
  const onCancel = () => stop.abort();
  cancelled?.addEventListener('abort', onCancel, { once: true });
  let probes = 0;
  let outcome: Observation['outcome'] | undefined;
  const context = activityContext();

  const loop = async (tracker: CheckTracker) => {
    while (!stop.signal.aborted) {
      const t0 = Date.now();
      const sample = await probeOnce(tracker.spec, stop.signal);
      if (stop.signal.aborted) return;
      probes += 1;
      tracker.push(sample);
      context?.heartbeat({ probes, check: tracker.spec.name, status: sample.status });
      outcome = settled(mode, trackers);
      if (outcome) return stop.abort();
      await sleep(Math.max(0, tracker.spec.periodMs - (Date.now() - t0)), stop.signal);
    }
  };
  const timer = setTimeout(() => stop.abort(), lengthMs);
  try {
    await Promise.all(trackers.map(loop));
  } finally {
    clearTimeout(timer);
    cancelled?.removeEventListener('abort', onCancel);
  }
  if (cancelled?.aborted) throw ApplicationFailure.create({ type: 'CANCELLED', message: 'observation cancelled', nonRetryable: true });
  const failed = trackers.filter((t) => t.verdict === 'failed');
  const firstFailureAt = failed
    .map((t) => t.firstFailureAt)
    .filter((x): x is string => !!x)
    .sort()[0];
  return {
    mode,
    outcome: outcome ?? outcomeAtEnd(mode, trackers),
    score: healthScore(trackers),
    startedAt,
    endedAt: new Date().toISOString(),
    ...(firstFailureAt ? { firstFailureAt } : {}),
    probes,
    checks: trackers.map((t) => t.observation()),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export const plan = defineAction({
  name: 'heal.plan',
  description: 'The next self-healing decision (nothing, recover, roll back, escalate, stop) and the backoff, from the state, the observation and overrides.',
  args: Type.Object(
    {
      params: Params,
      state: Type.Optional(Type.Unknown({ description: "The previous decision's state (null on the first cycle)" })),
      observation: Type.Optional(Type.Unknown({ description: 'heal.watch output; null when the observation failed' })),
      acted: Type.Optional(Type.Unknown({ description: 'The do_* step views: results of what the last decision ordered' })),
      signals: Type.Optional(Type.Unknown({ description: '$run.signals' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '10s', retry: { maxAttempts: 3, initialInterval: '200ms' } },
  run: async (args) => {
    const c = config(args.params);
    const observation = (args.observation ?? null) as Observation | null;
    const decision = decide({
      config: c,
      state: (args.state ?? null) as never,
      observation,
      acted: (args.acted ?? {}) as never,
      signals: (args.signals ?? {}) as never,
      now: new Date().toISOString(),
    });
    const observeTimeout = `${(decision.observe === 'watch' ? c.watchMs : c.verifyMs) + Math.max(...c.checks.map((k) => k.timeoutMs)) + OBSERVE_MARGIN_MS}ms`;
    return {
      ...decision,
      wait: decision.waitMs > 0 ? `${decision.waitMs}ms` : null,
      observeTimeout,
      /** What the state query shows at a glance. */
      health: observation ? { outcome: observation.outcome, score: observation.score } : null,
    };
  },
});

export const cleanup = defineAction({
  name: 'heal.cleanup',
  description: 'Deletes the oldest files of an allowlisted temp/cache directory (GENIE_CLEANUP_ALLOWLIST) until it is at most maxBytes.',
  args: Type.Object(
    {
      path: Type.String({ minLength: 1, description: 'Absolute directory inside an allowlisted root' }),
      maxBytes: Type.Integer({ minimum: 0, description: 'Size the directory is brought down to' }),
      dryRun: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '2m', retry: { maxAttempts: 2 } },
  run: async (args) => {
    try {
      return await cleanupDirectory(args.path, args.maxBytes, { dryRun: args.dryRun ?? false, signal: cancellationSignal() });
    } catch (error) {
      if (error instanceof CleanupError) throw ApplicationFailure.nonRetryable(error.message, error.code);
      throw error;
    }
  },
});
