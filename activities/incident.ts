/**
 * `incident.timeline`: the Log stage of incident response. Reads the calling run's own
 * history through the worker's client (decoded with the worker's codecs), projects it like
 * `genie history` does, and returns it as a markdown timeline — the run's output, and
 * optionally posted to a webhook by the next step. Secrets are masked by the projection.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { defineAction } from './action';
import { incidentWorkflowId } from '../src/alerts/alertmanager';
import { timelineMarkdown } from '../src/alerts/timeline-markdown';
import { decodeHistory } from '../src/temporal/codec/decode-history';
import { projectHistory } from '../src/temporal/history';
import { WORKFLOW_TYPE, type RunbookInput, type RunbookResult } from '../workflows/api';
import { alertSignal } from '../workflows/alerts';

export const timeline = defineAction({
  name: 'incident.timeline',
  description: 'Builds a markdown timeline of this run from its own Temporal history (steps, attempts, overrides, alerts).',
  args: Type.Object({ title: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
  defaults: { timeout: '1m', retry: { maxAttempts: 3, initialInterval: '1s' } },
  run: async (args) => {
    let context: Context;
    try {
      context = Context.current();
    } catch {
      throw ApplicationFailure.nonRetryable("incident.timeline runs only as a Temporal activity (it reads its run's history)", 'NO_ACTIVITY_CONTEXT');
    }
    const run = context.info.workflowExecution;
    if (!run) throw ApplicationFailure.nonRetryable('incident.timeline must run inside a workflow run', 'NO_WORKFLOW');
    const client = context.client;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
    const entries = projectHistory(await decodeHistory(history.events ?? [], payloadCodecs), payloadConverter);
    const markdown = timelineMarkdown(args.title ?? `Incident timeline: ${run.workflowId}`, run.workflowId, entries);
    return { markdown, entries: entries.length, firstEventAt: entries[0]?.time ?? null };
  },
});

/**
 * `incident.open`: start an incident run, or — when one is already open for the same key —
 * only tell it again (signalWithStart with a workflow id derived from the key, the way alert
 * intake deduplicates Alertmanager groups). A watcher raising the same problem twice gets one
 * incident, and it keeps watching instead of waiting for the incident to end.
 */
export const open = defineAction({
  name: 'incident.open',
  description: 'Starts the incident-response runbook for a key, or signals the run already open for it (deduplicated by signalWithStart).',
  args: Type.Object(
    {
      key: Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'What the incident is about, e.g. anomaly-watch/checkout/latency: one open incident per key',
      }),
      summary: Type.String({ minLength: 1 }),
      runbook: Type.Optional(Type.String({ minLength: 1, description: 'Runbook to start (default incident-response)' })),
      params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Its parameters when it starts' })),
    },
    { additionalProperties: false },
  ),
  // signalWithStart is idempotent for an open run: a retry only adds a repeat notice.
  defaults: { timeout: '30s', retry: { maxAttempts: 5, initialInterval: '1s' } },
  run: async (args) => {
    let context: Context;
    try {
      context = Context.current();
    } catch {
      throw ApplicationFailure.nonRetryable('incident.open runs only as a Temporal activity (it starts a workflow)', 'NO_ACTIVITY_CONTEXT');
    }
    const caller = context.info.workflowExecution?.workflowId ?? 'unknown';
    const runbook = args.runbook ?? 'incident-response';
    const workflowId = incidentWorkflowId(`${runbook}/${args.key}`);
    const notice = {
      status: 'firing' as const,
      groupKey: args.key,
      receiver: caller,
      name: args.key,
      summary: args.summary,
      labels: {},
      at: new Date().toISOString(),
    };
    const wasOpen = await context.client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        (d) => d.status.name === 'RUNNING',
        () => false,
      );
    const input: RunbookInput = { runbook, params: args.params ?? {}, requestedBy: `runbook:${caller}` };
    const handle = await context.client.workflow.signalWithStart<(i: RunbookInput) => Promise<RunbookResult>, [unknown]>(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: context.info.taskQueue,
      args: [input],
      signal: alertSignal as never,
      signalArgs: [notice],
      staticSummary: `${runbook} — ${args.summary} (opened by ${caller})`,
    });
    return { workflowId, runId: handle.signaledRunId, started: !wasOpen, runbook };
  },
});
