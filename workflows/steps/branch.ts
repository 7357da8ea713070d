/** `if`/`then`/`else` and `switch`: run the first sequence whose condition holds. */
import type { IfStep, SwitchStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';
import type { StepRunner } from './runner';

/** `if` with `then` is a branch: its `if` chooses the branch instead of guarding the step. */
export const ifRunner: StepRunner<'if'> = { run: runIf, ownsIf: true };
export const switchRunner: StepRunner<'switch'> = { run: runSwitch };

export async function runIf(step: IfStep, ctx: StepContext): Promise<unknown> {
  const holds = await ctx.evaluator.truthy(step.if, ctx.bindings());
  const branch = holds ? step.then : step.else;
  if (branch) await ctx.runSequence(branch, ctx.scope);
  return { branch: holds ? 'then' : branch ? 'else' : 'none' };
}

export async function runSwitch(step: SwitchStep, ctx: StepContext): Promise<unknown> {
  for (const [index, c] of step.switch.cases.entries()) {
    if (await ctx.evaluator.truthy(c.when, ctx.bindings())) {
      await ctx.runSequence(c.steps, ctx.scope);
      return { case: index };
    }
  }
  if (step.switch.default) {
    await ctx.runSequence(step.switch.default, ctx.scope);
    return { case: 'default' };
  }
  return { case: 'none' };
}
