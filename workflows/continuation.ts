/**
 * The `continued` input field carries a run's state into its continue-as-new successor. It
 * is ordinary workflow input, so anyone who can start a workflow could forge it to skip
 * loading, validation and steps: it is honoured only when this run really continues another
 * one, and its definition and parameters go through the load activity again.
 */
import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import type { Continuation, LoadedRunbook, RunbookInput } from './api';
import type { RuntimeCode } from '../src/dsl/runtime-codes';

export const CONTINUATION_PATCH = 'genie-checked-continuation';

type Load = (input: { runbook: RunbookInput['runbook']; params: Record<string, unknown> }) => Promise<LoadedRunbook>;

/** The continuation to resume from, or undefined for a fresh start; fails the run on a forged one. */
export function trustedContinuation(input: RunbookInput): Continuation | undefined {
  if (!input.continued || !patched(CONTINUATION_PATCH)) return input.continued;
  const info = workflowInfo();
  // Retries and cron runs also carry continuedFromExecutionRunId, but with the caller's original input.
  if (!info.continuedFromExecutionRunId || info.attempt > 1 || info.cronSchedule) {
    throw ApplicationFailure.nonRetryable(
      'input field "continued" is set only by Genie itself when a long run continues as new; a new run cannot set it. ' +
        'Start the run with only "runbook" and "params"',
      'CONTINUED_FORGED' satisfies RuntimeCode,
    );
  }
  return input.continued;
}

/** The snapshot's definition, re-validated (limits, params, secret list) by the same activity as a fresh start. */
export async function loadContinued(continued: Continuation, load: Load): Promise<LoadedRunbook> {
  if (!patched(CONTINUATION_PATCH)) return continued.loaded;
  const checked = await load({ runbook: continued.loaded.resolved.definition, params: continued.loaded.params });
  // Where the definition was first read from is the worker's own record, carried by its own continue-as-new.
  return { ...checked, resolved: { ...checked.resolved, source: continued.loaded.resolved.source } };
}
