/**
 * `approval:` — wait for M distinct eligible people to approve (any one eligible person's
 * reject ends it). On timeout: reject, approve, or escalate to more approvers for one more
 * period. Who may approve is checked by the override handlers (controls.ts).
 */
import { condition } from '@temporalio/workflow';
import { formatDuration } from '../../src/dsl/duration';
import type { ApprovalStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';
import type { ApprovalWait } from '../run-state';
import { runbookError } from '../errors';
import type { StepRunner } from './runner';

export const approvalRunner: StepRunner<'approval'> = { run: runApproval };

export async function runApproval(step: ApprovalStep, ctx: StepContext): Promise<unknown> {
  const spec = step.approval;
  const groups = ctx.run.loaded.resolved.groups;
  const timeoutMs = spec.timeout ? await ctx.evaluator.durationMs(spec.timeout, ctx.bindings()) : undefined;
  const wait: ApprovalWait = {
    path: ctx.path,
    stepId: ctx.path,
    approvers: spec.approvers ?? [],
    eligible: spec.approvers ? expand(spec.approvers, groups) : undefined,
    minApprovals: spec.minApprovals ?? 1,
    separationOfDuties: spec.separationOfDuties ?? false,
    approvals: [],
    ...(spec.message ? { message: String(await ctx.evaluator.value(spec.message, ctx.bindings())) } : {}),
  };
  ctx.run.approvals.set(ctx.path, wait);
  try {
    let decided = await waitFor(wait, timeoutMs, ctx);
    if (!decided && spec.onTimeout === 'escalate' && spec.escalateTo) {
      wait.approvers = [...wait.approvers, ...spec.escalateTo];
      wait.eligible = [...(wait.eligible ?? []), ...expand(spec.escalateTo, groups)];
      ctx.run.update(ctx.record, { note: `no decision within ${formatDuration(timeoutMs ?? 0)}; escalated to ${spec.escalateTo.join(', ')}` });
      decided = await waitFor(wait, timeoutMs, ctx);
    }
    if (wait.rejectedBy) {
      throw runbookError(
        'APPROVAL_REJECTED',
        `rejected by ${wait.rejectedBy.by}${wait.rejectedBy.reason ? `: ${wait.rejectedBy.reason}` : ''}`,
        wait.rejectedBy,
      );
    }
    if (!decided) {
      if (spec.onTimeout === 'approve') return { approved: true, approvals: wait.approvals, timedOut: true };
      throw runbookError('APPROVAL_TIMEOUT', `${wait.approvals.length} of ${wait.minApprovals} approvals within ${formatDuration(timeoutMs ?? 0)}`, {
        approvals: wait.approvals,
      });
    }
    return { approved: true, approvals: wait.approvals };
  } finally {
    ctx.run.approvals.delete(ctx.path);
    ctx.run.refresh();
  }
}

async function waitFor(wait: ApprovalWait, timeoutMs: number | undefined, ctx: StepContext): Promise<boolean> {
  const deadline = timeoutMs !== undefined ? new Date(Date.now() + timeoutMs).toISOString() : undefined;
  if (deadline) wait.deadline = deadline;
  ctx.run.update(ctx.record, { status: 'waiting', note: `waiting for ${wait.minApprovals} approval(s)${deadline ? ` until ${deadline}` : ''}` });
  const done = (): boolean => wait.rejectedBy !== undefined || wait.approvals.length >= wait.minApprovals;
  if (timeoutMs === undefined) {
    await condition(done);
    return true;
  }
  return condition(done, timeoutMs);
}

/** Approver entries are identities or `group:<name>`; groups come pinned from the worker's groups file. */
export function expand(approvers: string[], groups: Record<string, string[]>): string[] {
  return approvers.flatMap((a) => (a.startsWith('group:') ? (groups[a.slice('group:'.length)] ?? []) : [a]));
}
