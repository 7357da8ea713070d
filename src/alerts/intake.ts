/**
 * From an Alertmanager notification to an incident run. A firing group starts the
 * incident-response runbook, or — when its run is already open — only signals it
 * (signalWithStart, with a workflow id derived from the group key: repeats deduplicate into
 * one run). A resolved group is delivered to the open run; with none open, nothing starts.
 */
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPE, type RunbookInput, type RunbookResult } from '../../workflows/api';
import { alertSignal } from '../../workflows/alerts';
import { RunbookName, RunbookStatus } from '../../workflows/search-attributes';
import { alertNotice, incidentWorkflowId, type AlertGroup } from './alertmanager';

export interface IntakeOptions {
  client: Client;
  taskQueue: string;
  /** The runbook a firing group starts (default incident-response). */
  runbook?: string;
  /** Set search attributes at start (off for servers without Genie's). */
  searchAttributes?: boolean;
}

export interface IntakeResult {
  workflowId: string;
  status: AlertGroup['status'];
  /** A new run was started for this group. */
  started: boolean;
  /** The notification reached a run. */
  delivered: boolean;
  runId?: string;
  message: string;
}

async function openRunId(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' ? d.runId : undefined;
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') return undefined;
    throw error;
  }
}

export async function deliverAlert(group: AlertGroup, options: IntakeOptions): Promise<IntakeResult> {
  const { client, taskQueue } = options;
  const runbook = options.runbook ?? 'incident-response';
  const workflowId = incidentWorkflowId(group.groupKey);
  const notice = alertNotice(group, new Date().toISOString());
  const open = await openRunId(client, workflowId);
  if (group.status === 'resolved') {
    if (!open)
      return { workflowId, status: 'resolved', started: false, delivered: false, message: 'no open incident for this alert group; nothing to resolve' };
    await client.workflow.getHandle(workflowId).signal(alertSignal, notice);
    return { workflowId, status: 'resolved', started: false, delivered: true, runId: open, message: 'resolved delivered to the incident run' };
  }
  const input: RunbookInput = {
    runbook,
    params: { service: notice.labels.service ?? notice.labels.job ?? notice.name, source: 'alertmanager', summary: notice.summary, alert: notice },
    requestedBy: `alertmanager:${group.receiver}`,
  };
  const handle = await client.workflow.signalWithStart<(i: RunbookInput) => Promise<RunbookResult>, [typeof notice]>(WORKFLOW_TYPE, {
    workflowId,
    taskQueue,
    args: [input],
    signal: alertSignal,
    signalArgs: [notice],
    ...(options.searchAttributes === false
      ? {}
      : {
          typedSearchAttributes: [
            { key: RunbookName, value: runbook },
            { key: RunbookStatus, value: 'queued' },
          ],
        }),
    staticSummary: `${runbook} — ${notice.name}: ${notice.summary} (Alertmanager ${group.receiver})`,
  });
  const started = open === undefined;
  return {
    workflowId,
    status: 'firing',
    started,
    delivered: true,
    runId: handle.signaledRunId,
    message: started ? `incident run started for ${notice.name}` : 'repeat notification added to the open incident run',
  };
}
