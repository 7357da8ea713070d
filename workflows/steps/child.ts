/** `runbook:` — another runbook as a child workflow; aborting the parent aborts the child, which compensates. */
import { ChildWorkflowCancellationType, ParentClosePolicy, executeChild, workflowInfo } from '@temporalio/workflow';
import type { RunbookStep } from '../../src/dsl/types';
import { WORKFLOW_TYPE, type RunbookInput, type RunbookResult } from '../api';
import type { StepContext } from '../scope';
import { runbookError } from '../errors';
import type { StepRunner } from './runner';

export const childRunner: StepRunner<'runbook'> = { run: runChild };

export async function runChild(step: RunbookStep, ctx: StepContext): Promise<unknown> {
  const params = (await ctx.evaluator.deep(step.runbook.params ?? {}, ctx.bindings())) as Record<string, unknown>;
  const input: RunbookInput = { runbook: step.runbook.name, params, requestedBy: ctx.run.requestedBy };
  const result = await executeChild<(i: RunbookInput) => Promise<RunbookResult>>(WORKFLOW_TYPE, {
    args: [input],
    workflowId: `${workflowInfo().workflowId}.${ctx.path}.${ctx.record.attempts}`,
    taskQueue: workflowInfo().taskQueue,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    staticSummary: `${step.runbook.name} (child of ${workflowInfo().workflowId}, step ${ctx.path})`,
  });
  if (result.status !== 'succeeded') {
    throw runbookError('CHILD_RUNBOOK_FAILED', `child runbook ${step.runbook.name} ended ${result.status}${result.error ? `: ${result.error.message}` : ''}`, {
      status: result.status,
      error: result.error,
    });
  }
  return result.outputs;
}
