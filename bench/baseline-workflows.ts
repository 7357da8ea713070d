/**
 * The SDK's floor for a waiting run: a hand-written workflow that does what approval-wait.yaml
 * does (wait for an `approve`, then one util.echo) with nothing else in its bundle. The
 * difference between this and the runbook pass is what Genie adds per waiting run.
 * Kept apart from bench/workflows.ts because the SDK evaluates every module of a bundle
 * for every cached workflow: importing the interpreter here would defeat the comparison.
 */
import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { overrideUpdates, stateQuery, type RunState } from '../workflows/api';
import { RunbookStatus } from '../workflows/search-attributes';
import type { ActionEnvelope } from '../workflows/steps/action';

const { 'util.echo': echo } = proxyActivities<Record<string, (args: unknown) => Promise<ActionEnvelope>>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

export async function baselineApprovalWait(): Promise<{ status: 'succeeded'; output: unknown }> {
  let approvedBy: string | undefined;
  setHandler(overrideUpdates.approve, (args) => {
    approvedBy = args.by;
    return { accepted: true, message: 'approved' };
  });
  // Enough of the `state` query for the bench's sample check.
  setHandler(stateQuery, () => ({ status: approvedBy ? 'running' : 'waiting_approval', pendingApprovals: approvedBy ? [] : [{}] }) as unknown as RunState);
  upsertSearchAttributes([{ key: RunbookStatus, value: 'waiting_approval' }]);
  await condition(() => approvedBy !== undefined);
  const envelope = await echo({ approved: true });
  return { status: 'succeeded', output: envelope.output };
}
