/**
 * Holding a step for an operator's decision (retry, skip; promote for an analysis): the
 * decision is pending in run.decisions (the run shows waiting_decision) until an override
 * answers it. Used by onError: wait (executor.ts) and by an inconclusive analysis.
 *
 * Two halves, not one async function: the caller awaits the wait itself and takes the answer
 * in the same turn, so the answer, its clean-up and what follows happen exactly when they did
 * when each caller spelled this out (an extra await would move them a turn later, where a
 * concurrent branch could see the run half-released and order its commands differently).
 */
import { condition } from '@temporalio/workflow';
import type { StepRecord } from '../api';
import type { Decision, RunContext } from '../run-state';

/**
 * Marks the decision pending, shows the step waiting with `shown` (a note, the error or the
 * output that needs a decision), and returns the wait: it resolves when an operator answers,
 * or to false when `timeoutMs` passes first.
 */
export function waitForDecision(run: RunContext, record: StepRecord, path: string, shown: Partial<StepRecord>, timeoutMs?: number): Promise<boolean | void> {
  run.decisions.set(path, undefined);
  run.update(record, { status: 'waiting', ...shown });
  const answered = () => run.decisions.get(path) !== undefined;
  return timeoutMs === undefined ? condition(answered) : condition(answered, timeoutMs);
}

/** The answer, no longer pending; undefined when nobody answered. */
export function takeDecision(run: RunContext, path: string): Decision | undefined {
  const decision = run.decisions.get(path);
  run.decisions.delete(path);
  return decision;
}
