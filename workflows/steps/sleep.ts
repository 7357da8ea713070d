/** `sleep:` — a durable timer: survives worker and server restarts, skippable by an operator. */
import { sleep } from '@temporalio/workflow';
import { formatDuration } from '../../src/dsl/duration';
import type { SleepStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';
import type { StepRunner } from './runner';

/** A sleep is one durable timer already: a `timeout` sets no second timer around it. */
export const sleepRunner: StepRunner<'sleep'> = { run: runSleep, ownsDeadline: true };

export async function runSleep(step: SleepStep, ctx: StepContext): Promise<unknown> {
  const ms = await ctx.evaluator.durationMs(step.sleep, ctx.bindings());
  const duration = formatDuration(ms);
  ctx.run.update(ctx.record, { status: 'waiting', note: `sleeping ${duration} until ${new Date(Date.now() + ms).toISOString()}` });
  await sleep(ms);
  return { slept: duration };
}
