/**
 * `until:` — run the body, check the condition, wait `interval`, repeat. Bounded by
 * maxAttempts and/or timeout. At the top level a long loop continues as new between
 * iterations, so the history stays bounded however long it runs.
 */
import { sleep } from '@temporalio/workflow';
import type { UntilStep } from '../../src/dsl/types';
import { childScope, type StepContext } from '../scope';
import { runbookError } from '../errors';
import type { StepRunner } from './runner';

/** Resumes at the attempt a continued-as-new run carries; may continue as new between iterations. */
export const untilRunner: StepRunner<'until'> = {
  run: (step, ctx, call) => runUntil(step, ctx, call.resumeAttempt ?? 1, call.checkpoint),
  checkpoints: true,
};

export async function runUntil(step: UntilStep, ctx: StepContext, firstAttempt = 1, continueAsNew?: (attempt: number) => Promise<void>): Promise<unknown> {
  const { condition, interval, maxAttempts, timeout, steps } = step.until;
  const intervalMs = await ctx.evaluator.durationMs(interval, ctx.bindings());
  const deadline = timeout ? Date.now() + (await ctx.evaluator.durationMs(timeout, ctx.bindings())) : undefined;
  for (let attempt = firstAttempt; ; attempt++) {
    ctx.record.attempts = attempt;
    const scope = childScope(ctx.scope, `${ctx.path}.`, { attempt }, false);
    await ctx.runSequence(steps, scope);
    if (await ctx.evaluator.truthy(condition, ctx.bindings(scope))) return { attempts: attempt, satisfied: true };
    if (maxAttempts !== undefined && attempt >= maxAttempts) {
      throw runbookError('UNTIL_EXHAUSTED', `condition of ${step.id} still false after ${attempt} attempts`, { attempts: attempt });
    }
    if (deadline !== undefined && Date.now() + intervalMs > deadline) {
      throw runbookError('UNTIL_TIMEOUT', `condition of ${step.id} still false when its ${timeout} timeout ran out`, { attempts: attempt });
    }
    ctx.run.update(ctx.record, { status: 'waiting', note: `attempt ${attempt}: condition false; next check in ${interval}` });
    await sleep(intervalMs);
    ctx.run.update(ctx.record, { status: 'running' });
    if (continueAsNew) await continueAsNew(attempt + 1);
  }
}
