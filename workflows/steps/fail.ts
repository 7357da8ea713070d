/** `fail:` — end the sequence with an error the runbook author names. */
import type { FailStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';
import { authoredError, runbookError } from '../errors';
import type { StepRunner } from './runner';

export const failRunner: StepRunner<'fail'> = { run: runFail };

export async function runFail(step: FailStep, ctx: StepContext): Promise<never> {
  const message = String(await ctx.evaluator.value(step.fail.message, ctx.bindings()));
  throw step.fail.code === undefined ? runbookError('RUNBOOK_FAILED', message) : authoredError(step.fail.code, message);
}
