/**
 * The interpreter's dispatch table: the runner of every step kind. Typed with the mapped type
 * RunnerTable (as the Temporal SDK types its activation-job handlers), so a kind added to
 * STEP_KINDS without a runner here, or with another kind's runner, does not compile.
 */
import { stepKind, type Step, type StepKind } from '../../src/dsl/types';
import { actionRunner } from './action';
import { analysisRunner } from './analysis';
import { approvalRunner } from './approval';
import { ifRunner, switchRunner } from './branch';
import { childRunner } from './child';
import { failRunner } from './fail';
import { forEachRunner } from './for-each';
import { parallelRunner } from './parallel';
import { pauseRunner } from './pause';
import type { RunnerTable, StepRunner } from './runner';
import { sleepRunner } from './sleep';
import { untilRunner } from './until';

export const RUNNERS: RunnerTable = {
  action: actionRunner,
  sleep: sleepRunner,
  approval: approvalRunner,
  parallel: parallelRunner,
  if: ifRunner,
  switch: switchRunner,
  forEach: forEachRunner,
  until: untilRunner,
  runbook: childRunner,
  fail: failRunner,
  pause: pauseRunner,
  analysis: analysisRunner,
};

/**
 * The runner of a step's kind. Indexing the mapped type with a type parameter keeps kind and
 * runner together (TypeScript's correlated-union pattern), so no cast is needed: the runner of
 * a Step takes a Step.
 */
export function runnerOf<K extends StepKind>(kind: K): StepRunner<K> {
  return RUNNERS[kind];
}

/** The runner of this step (validated steps carry exactly one kind key). */
export function runnerFor(step: Step): StepRunner<StepKind> {
  return runnerOf(stepKind(step));
}
