/**
 * The audit trail as people read it: Temporal events projected to a timeline of step
 * starts and ends, attempts, timers, child runs and overrides with who and why.
 */
import type { temporal } from '@temporalio/proto';
import type { PayloadConverter } from '@temporalio/common';

export interface TimelineEntry {
  eventId: number;
  time: string;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
}

type Event = temporal.api.history.v1.IHistoryEvent;
const EventType = (type: Event['eventType']): string => String(type ?? '');

function decode(converter: PayloadConverter, payloads: temporal.api.common.v1.IPayloads | null | undefined): unknown[] {
  return (payloads?.payloads ?? []).map((p) => {
    try {
      return converter.fromPayload(p);
    } catch {
      return '<undecodable>';
    }
  });
}

function summaryOf(converter: PayloadConverter, event: Event): string | undefined {
  const payload = event.userMetadata?.summary;
  if (!payload) return undefined;
  try {
    return String(converter.fromPayload(payload));
  } catch {
    return undefined;
  }
}

function time(event: Event): string {
  const t = event.eventTime;
  const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
  return new Date(ms).toISOString();
}

function who(args: unknown): string {
  const a = (args ?? {}) as { by?: string; reason?: string; stepId?: string };
  return `by ${a.by ?? '?'}${a.stepId ? ` on ${a.stepId}` : ''}${a.reason ? ` — ${a.reason}` : ''}`;
}

export function projectHistory(events: Event[], converter: PayloadConverter): TimelineEntry[] {
  const scheduled = new Map<string, { name: string; summary?: string }>();
  const timers = new Map<string, string>();
  const updates = new Map<string, { name: string; args: unknown }>();
  const out: TimelineEntry[] = [];
  const push = (event: Event, kind: string, text: string, data?: Record<string, unknown>): void => {
    out.push({ eventId: Number(event.eventId), time: time(event), kind, text, ...(data ? { data } : {}) });
  };
  for (const e of events) {
    const id = String(e.eventId);
    const type = EventType(e.eventType);
    if (e.workflowExecutionStartedEventAttributes) {
      const [input] = decode(converter, e.workflowExecutionStartedEventAttributes.input) as [{ runbook?: unknown; requestedBy?: string; continued?: unknown }];
      const name = typeof input?.runbook === 'string' ? input.runbook : (input?.runbook as { metadata?: { name?: string } })?.metadata?.name;
      push(e, 'run.started', `run of ${name ?? '?'} requested by ${input?.requestedBy ?? '?'}${input?.continued ? ' (continued from a previous run)' : ''}`);
    } else if (e.markerRecordedEventAttributes) {
      push(e, 'run.loaded', 'runbook definition resolved and pinned (local activity)');
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const info = { name: a.activityType?.name ?? '?', summary: summaryOf(converter, e) };
      scheduled.set(id, info);
      push(e, 'step.started', `${info.summary ?? info.name}`, { action: info.name });
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const s = scheduled.get(String(a.scheduledEventId));
      if ((a.attempt ?? 1) > 1) push(e, 'step.attempt', `${s?.summary ?? s?.name}: attempt ${a.attempt}`, { attempt: a.attempt });
    } else if (e.activityTaskCompletedEventAttributes) {
      const s = scheduled.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId));
      push(e, 'step.succeeded', `${s?.summary ?? s?.name}: succeeded`);
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      const s = scheduled.get(String(a.scheduledEventId));
      push(e, 'step.failed', `${s?.summary ?? s?.name}: failed — ${a.failure?.message ?? ''}`);
    } else if (e.activityTaskTimedOutEventAttributes) {
      const s = scheduled.get(String(e.activityTaskTimedOutEventAttributes.scheduledEventId));
      push(e, 'step.failed', `${s?.summary ?? s?.name}: timed out`);
    } else if (e.activityTaskCanceledEventAttributes) {
      const s = scheduled.get(String(e.activityTaskCanceledEventAttributes.scheduledEventId));
      push(e, 'step.cancelled', `${s?.summary ?? s?.name}: cancelled`);
    } else if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      const seconds = Number(a.startToFireTimeout?.seconds ?? 0) + (a.startToFireTimeout?.nanos ?? 0) / 1e9;
      timers.set(String(a.timerId), `${seconds}s`);
      push(e, 'timer.started', `timer ${seconds}s`);
    } else if (e.timerFiredEventAttributes) {
      push(e, 'timer.fired', `timer ${timers.get(String(e.timerFiredEventAttributes.timerId)) ?? ''} fired`);
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const [args] = decode(converter, a.input);
      push(e, 'override', `signal ${a.signalName} ${who(args)}`, { name: a.signalName, args: args as Record<string, unknown> });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes;
      const name = a.acceptedRequest?.input?.name ?? '?';
      const [args] = decode(converter, a.acceptedRequest?.input?.args);
      updates.set(String(a.protocolInstanceId), { name, args });
      push(e, 'override', `${name} ${who(args)}`, { name, args: args as Record<string, unknown> });
    } else if (e.childWorkflowExecutionStartedEventAttributes) {
      push(e, 'child.started', `child run ${e.childWorkflowExecutionStartedEventAttributes.workflowExecution?.workflowId} started`);
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      push(e, 'child.completed', `child run ${e.childWorkflowExecutionCompletedEventAttributes.workflowExecution?.workflowId} completed`);
    } else if (e.childWorkflowExecutionFailedEventAttributes) {
      push(e, 'child.failed', `child run ${e.childWorkflowExecutionFailedEventAttributes.workflowExecution?.workflowId} failed`);
    } else if (e.workflowExecutionCancelRequestedEventAttributes) {
      push(e, 'run.cancel_requested', `cancellation requested${e.workflowExecutionCancelRequestedEventAttributes.identity ? ` by ${e.workflowExecutionCancelRequestedEventAttributes.identity}` : ''}`);
    } else if (e.workflowExecutionCompletedEventAttributes) {
      const [result] = decode(converter, e.workflowExecutionCompletedEventAttributes.result) as [{ status?: string; error?: { message?: string } }];
      push(e, 'run.completed', `run ended ${result?.status ?? '?'}${result?.error ? ` — ${result.error.message}` : ''}`, { status: result?.status });
    } else if (e.workflowExecutionFailedEventAttributes) {
      push(e, 'run.failed', `run failed — ${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`);
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      push(e, 'run.continued', 'continued as new to keep the history bounded');
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      push(e, 'run.terminated', `terminated${e.workflowExecutionTerminatedEventAttributes.reason ? `: ${e.workflowExecutionTerminatedEventAttributes.reason}` : ''}`);
    } else if (type.includes('TIMED_OUT') && type.includes('WORKFLOW_EXECUTION')) {
      push(e, 'run.timed_out', 'run timed out');
    }
  }
  return out;
}
