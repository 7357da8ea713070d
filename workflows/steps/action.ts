/** `action:` steps: one Temporal activity per step, with the step's timeout and retry policy. */
import { ActivityFailure, ApplicationFailure, proxyActivities, type ActivityOptions, type RetryPolicy as TemporalRetry } from '@temporalio/workflow';
import { parseDuration } from '../../src/dsl/duration';
import type { ActionStep, RetryPolicy } from '../../src/dsl/types';
import { literalSecretPaths, type SecretProvenance } from '../../src/secrets/provenance';
import type { StepContext } from '../scope';
import { runbookError } from '../errors';
import type { StepRunner } from './runner';

/** What every action activity returns: its output and the attempt that produced it. */
export interface ActionEnvelope {
  output: unknown;
  attempt: number;
}

/** Used when neither the step, the runbook defaults nor the action say: bounded, never Temporal's unlimited default. */
const FALLBACK_RETRY: RetryPolicy = { maxAttempts: 3, initialInterval: '1s', backoff: 2, maxInterval: '30s' };

/** The step's `timeout` bounds the activity through Temporal's own timeouts (activityOptions), not a workflow timer. */
export const actionRunner: StepRunner<'action'> = { run: runAction, ownsDeadline: true };

export async function runAction(step: ActionStep, ctx: StepContext): Promise<unknown> {
  const defaults = ctx.run.loaded.resolved.actions[step.action];
  if (!defaults) throw runbookError('UNKNOWN_ACTION', `action ${step.action} is not registered on this worker`);
  const args = await ctx.evaluator.deep(step.with ?? {}, ctx.bindings());
  const stepTimeout = step.timeout ?? ctx.run.definition.defaults?.timeout;
  const stepMs = stepTimeout ? await ctx.evaluator.durationMs(stepTimeout, ctx.bindings()) : undefined;
  const activity = proxyActivities<Record<string, (a: unknown, p?: SecretProvenance) => Promise<ActionEnvelope>>>(
    activityOptions(step, ctx, stepMs, defaults.timeout, defaults.retry),
  )[step.action];
  // Attempts add up across operator retries of the same step (onError: wait → retry).
  const earlier = ctx.record.attempts - 1;
  try {
    // Computed from the definition, not from `args`: only what the author wrote is vouched for.
    // No patch() gate: an activity's input is not part of replay's determinism check, so runs
    // recorded before this argument existed replay unchanged (a gate here once failed replays
    // after a worker SIGKILL with "patch marker ... no corresponding change command").
    const envelope = await activity(args, { literalSecretPaths: literalSecretPaths(step.with ?? {}) });
    ctx.record.attempts = earlier + envelope.attempt;
    return envelope.output;
  } catch (err) {
    throw unwrapEnvelope(err, ctx, earlier);
  }
}

/** The final attempt's failure, with the attempt count moved onto the step record. */
function unwrapEnvelope(err: unknown, ctx: StepContext, earlier: number): unknown {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return err;
  const cause = err.cause;
  const envelope = cause.details?.[0] as { attempt?: number; details?: unknown } | undefined;
  if (typeof envelope?.attempt === 'number') ctx.record.attempts = earlier + envelope.attempt;
  return ApplicationFailure.create({
    type: cause.type ?? 'ERROR',
    message: cause.message,
    nonRetryable: true,
    ...(envelope?.details !== undefined ? { details: [envelope.details] } : {}),
  });
}

function activityOptions(
  step: ActionStep,
  ctx: StepContext,
  stepMs: number | undefined,
  actionTimeout: string,
  actionRetry: RetryPolicy | undefined,
): ActivityOptions {
  const runbookDefaults = ctx.run.definition.defaults;
  const attemptMs = parseDuration(actionTimeout);
  const options: ActivityOptions = {
    // The action's own timeout bounds one attempt; the step's `timeout` bounds the whole step, retries included.
    startToCloseTimeout: stepMs ? Math.min(attemptMs, stepMs) : attemptMs,
    retry: toTemporalRetry({ ...FALLBACK_RETRY, ...actionRetry, ...runbookDefaults?.retry, ...step.retry }),
    summary: `${ctx.path}: ${step.summary ?? step.name ?? step.action}`,
  };
  const defaults = ctx.run.loaded.resolved.actions[step.action];
  if (defaults?.heartbeat) options.heartbeatTimeout = parseDuration(defaults.heartbeat);
  if (stepMs) options.scheduleToCloseTimeout = stepMs;
  return options;
}

function toTemporalRetry(policy: RetryPolicy): TemporalRetry {
  return {
    maximumAttempts: policy.maxAttempts,
    initialInterval: policy.initialInterval ? parseDuration(policy.initialInterval) : undefined,
    backoffCoefficient: policy.backoff,
    maximumInterval: policy.maxInterval ? parseDuration(policy.maxInterval) : undefined,
    nonRetryableErrorTypes: policy.nonRetryable,
  };
}
