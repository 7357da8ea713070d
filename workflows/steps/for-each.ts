/** `forEach:` — the body once per item, each iteration with its own $steps, bounded concurrency and error budget. */
import type { ForEachStep } from '../../src/dsl/types';
import type { StepView } from '../api';
import { childScope, type StepContext } from '../scope';
import { runbookError, toStepError } from '../errors';
import { runLanes } from '../lanes';
import type { StepRunner } from './runner';

export const forEachRunner: StepRunner<'forEach'> = { run: runForEach };

export async function runForEach(step: ForEachStep, ctx: StepContext): Promise<unknown> {
  const { as = 'item', maxConcurrency = 1, maxErrors = 0, steps } = step.forEach;
  const items = await ctx.evaluator.value(step.forEach.items, ctx.bindings());
  if (!Array.isArray(items)) throw runbookError('FOREACH_NOT_A_LIST', `forEach.items of ${step.id} evaluated to ${JSON.stringify(items)}, not a list`);
  const budget = errorBudget(maxErrors, items.length);
  const iterationViews: Record<string, StepView>[] = [];
  const outcomes = await runLanes(
    items.length,
    maxConcurrency,
    async (i) => {
      const scope = childScope(ctx.scope, `${ctx.path}[${i}].`, { [as]: items[i], index: i }, true);
      iterationViews[i] = scope.views;
      await ctx.runSequence(steps, scope);
    },
    (failures) => failures > budget,
  );
  const bodyIds = steps.map((s) => s.id);
  const results = outcomes.map((o, i) => ({
    status: o.status,
    ...(o.status === 'failed' ? { error: toStepError(o.error) } : {}),
    steps: Object.fromEntries(bodyIds.filter((id) => iterationViews[i]?.[id]).map((id) => [id, iterationViews[i][id]])),
  }));
  // After the loop, $steps.<bodyStep> is its last iteration's value.
  for (const views of iterationViews) for (const id of bodyIds) if (views?.[id]) ctx.scope.views[id] = views[id];
  const failed = results.filter((r) => r.status === 'failed').length;
  const summary = { items: items.length, succeeded: results.filter((r) => r.status === 'succeeded').length, failed, results };
  if (failed > budget) {
    throw runbookError('FOREACH_FAILED', `${failed} of ${items.length} iterations failed (allowed: ${budget})`, summary);
  }
  return summary;
}

/** maxErrors as a count, or "10%" of the items (rounded down). */
function errorBudget(maxErrors: number | string, total: number): number {
  if (typeof maxErrors === 'number') return maxErrors;
  return Math.floor((parseFloat(maxErrors) / 100) * total);
}
