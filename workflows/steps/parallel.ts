/** `parallel:` — branches side by side; with failFast (the default) the first failure cancels the rest. */
import type { ParallelStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';
import { runbookError, toStepError } from '../errors';
import { runLanes } from '../lanes';
import type { StepRunner } from './runner';

export const parallelRunner: StepRunner<'parallel'> = { run: runParallel };

export async function runParallel(step: ParallelStep, ctx: StepContext): Promise<unknown> {
  const { branches, failFast = true, maxConcurrency } = step.parallel;
  const outcomes = await runLanes(
    branches.length,
    maxConcurrency ?? branches.length,
    (i) => ctx.runSequence(branches[i].steps, ctx.scope),
    () => failFast,
  );
  const report = outcomes.map((o, i) => ({
    branch: branches[i].name ?? `branch${i + 1}`,
    status: o.status,
    ...(o.status === 'failed' ? { error: toStepError(o.error) } : {}),
  }));
  const failed = report.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    throw runbookError(
      'PARALLEL_FAILED',
      `${failed.length} of ${branches.length} branches failed: ${failed.map((f) => `${f.branch} (${f.error?.message})`).join('; ')}`,
      report,
    );
  }
  return { branches: report };
}
