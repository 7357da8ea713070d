/** `sleep:` — a durable timer: survives worker and server restarts, skippable by an operator. */
import { sleep } from '@temporalio/workflow';
import { formatDuration } from '../../src/dsl/duration';
import type { SleepStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';

export async function runSleep(step: SleepStep, ctx: StepContext): Promise<unknown> {
  const ms = await ctx.evaluator.durationMs(step.sleep, ctx.bindings());
  const duration = formatDuration(ms);
  ctx.run.update(ctx.record, { status: 'waiting', note: `sleeping ${duration} until ${new Date(Date.now() + ms).toISOString()}` });
  await sleep(ms);
  return { slept: duration };
}
