/**
 * The audit trail as people read it: Temporal events described one by one (step starts and
 * ends with their arguments and results, attempts, timers, child runs, overrides with who
 * and why). `projectHistory` keeps the events worth a line in a timeline; the audit export
 * describes every event.
 */
import type { temporal } from '@temporalio/proto';
import type { PayloadConverter } from '@temporalio/common';
import { maskValues } from '../dsl/mask';
import { secretValues } from './history-secrets';

export interface TimelineEntry {
  eventId: number;
  time: string;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
}

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Results and arguments are summarized to this many characters; the full values stay in history. */
const SUMMARY_CHARS = 500;

function decode(converter: PayloadConverter, payloads: temporal.api.common.v1.IPayloads | null | undefined): unknown[] {
  return (payloads?.payloads ?? []).map((p) => {
    try {
      return converter.fromPayload(p);
    } catch {
      return '<undecodable>';
    }
  });
}

function summaryOf(converter: PayloadConverter, event: HistoryEvent): string | undefined {
  const payload = event.userMetadata?.summary;
  if (!payload) return undefined;
  try {
    return String(converter.fromPayload(payload));
  } catch {
    return undefined;
  }
}

export function eventTime(event: HistoryEvent): string {
  const t = event.eventTime;
  const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
  return new Date(ms).toISOString();
}

function who(args: unknown): string {
  const a = (args ?? {}) as { by?: string; reason?: string; stepId?: string };
  return `by ${a.by ?? '?'}${a.stepId ? ` on ${a.stepId}` : ''}${a.reason ? ` — ${a.reason}` : ''}`;
}

/** A value cut to a readable size for records; what is cut says so. */
export function summarize(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined || text.length <= SUMMARY_CHARS) return value;
  return `${text.slice(0, SUMMARY_CHARS)}… (${text.length} characters)`;
}

/** Describes events in order; keeps what later events refer back to (scheduled activities, timers). */
export class EventDescriber {
  private readonly scheduled = new Map<string, { name: string; summary?: string }>();
  private readonly timers = new Map<string, string>();

  constructor(private readonly converter: PayloadConverter) {}

  /** The timeline entry for an event, or undefined for bookkeeping events (workflow tasks, upserts). */
  describe(e: HistoryEvent): Omit<TimelineEntry, 'eventId' | 'time'> | undefined {
    const d = (kind: string, text: string, data?: Record<string, unknown>) => ({ kind, text, ...(data ? { data } : {}) });
    const step = (scheduledEventId: unknown): string => {
      const s = this.scheduled.get(String(scheduledEventId));
      return s?.summary ?? s?.name ?? '?';
    };
    if (e.workflowExecutionStartedEventAttributes) {
      const [input] = decode(this.converter, e.workflowExecutionStartedEventAttributes.input) as [
        { runbook?: unknown; params?: unknown; requestedBy?: string; continued?: unknown },
      ];
      const name = typeof input?.runbook === 'string' ? input.runbook : (input?.runbook as { metadata?: { name?: string } })?.metadata?.name;
      return d('run.started', `run of ${name ?? '?'} requested by ${input?.requestedBy ?? '?'}${input?.continued ? ' (continued from a previous run)' : ''}`, {
        runbook: name,
        requestedBy: input?.requestedBy,
        params: input?.params,
      });
    }
    if (e.markerRecordedEventAttributes) return d('run.loaded', 'runbook definition resolved and pinned (local activity)');
    if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const info = { name: a.activityType?.name ?? '?', summary: summaryOf(this.converter, e) };
      this.scheduled.set(String(e.eventId), info);
      const [args] = decode(this.converter, a.input);
      return d('step.started', info.summary ?? info.name, { action: info.name, args: summarize(args) });
    }
    if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      return (a.attempt ?? 1) > 1 ? d('step.attempt', `${step(a.scheduledEventId)}: attempt ${a.attempt}`, { attempt: a.attempt }) : undefined;
    }
    if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      const [result] = decode(this.converter, a.result) as [{ output?: unknown } | undefined];
      return d('step.succeeded', `${step(a.scheduledEventId)}: succeeded`, { result: summarize(result?.output ?? result) });
    }
    if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      return d('step.failed', `${step(a.scheduledEventId)}: failed — ${a.failure?.message ?? ''}`, { error: a.failure?.message });
    }
    if (e.activityTaskTimedOutEventAttributes) return d('step.failed', `${step(e.activityTaskTimedOutEventAttributes.scheduledEventId)}: timed out`);
    if (e.activityTaskCanceledEventAttributes) return d('step.cancelled', `${step(e.activityTaskCanceledEventAttributes.scheduledEventId)}: cancelled`);
    if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      const seconds = Number(a.startToFireTimeout?.seconds ?? 0) + (a.startToFireTimeout?.nanos ?? 0) / 1e9;
      this.timers.set(String(a.timerId), `${seconds}s`);
      return d('timer.started', `timer ${seconds}s`);
    }
    if (e.timerFiredEventAttributes) return d('timer.fired', `timer ${this.timers.get(String(e.timerFiredEventAttributes.timerId)) ?? ''} fired`);
    if (e.timerCanceledEventAttributes) return d('timer.cancelled', `timer ${this.timers.get(String(e.timerCanceledEventAttributes.timerId)) ?? ''} cancelled`);
    if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const [args] = decode(this.converter, a.input);
      return d('override', `signal ${a.signalName} ${who(args)}`, { name: a.signalName, args: args as Record<string, unknown> });
    }
    if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes;
      const name = a.acceptedRequest?.input?.name ?? '?';
      const [args] = decode(this.converter, a.acceptedRequest?.input?.args);
      return d('override', `${name} ${who(args)}`, { name, args: args as Record<string, unknown> });
    }
    if (e.childWorkflowExecutionStartedEventAttributes)
      return d('child.started', `child run ${e.childWorkflowExecutionStartedEventAttributes.workflowExecution?.workflowId} started`);
    if (e.childWorkflowExecutionCompletedEventAttributes)
      return d('child.completed', `child run ${e.childWorkflowExecutionCompletedEventAttributes.workflowExecution?.workflowId} completed`);
    if (e.childWorkflowExecutionFailedEventAttributes)
      return d('child.failed', `child run ${e.childWorkflowExecutionFailedEventAttributes.workflowExecution?.workflowId} failed`);
    if (e.workflowExecutionCancelRequestedEventAttributes) {
      const by = e.workflowExecutionCancelRequestedEventAttributes.identity;
      return d('run.cancel_requested', `cancellation requested${by ? ` by ${by}` : ''}`);
    }
    if (e.workflowExecutionCompletedEventAttributes) {
      const [result] = decode(this.converter, e.workflowExecutionCompletedEventAttributes.result) as [{ status?: string; error?: { message?: string } }];
      return d('run.completed', `run ended ${result?.status ?? '?'}${result?.error ? ` — ${result.error.message}` : ''}`, { status: result?.status });
    }
    if (e.workflowExecutionFailedEventAttributes) return d('run.failed', `run failed — ${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`);
    if (e.workflowExecutionContinuedAsNewEventAttributes) return d('run.continued', 'continued as new to keep the history bounded');
    if (e.workflowExecutionTerminatedEventAttributes) {
      const reason = e.workflowExecutionTerminatedEventAttributes.reason;
      return d('run.terminated', `terminated${reason ? `: ${reason}` : ''}`);
    }
    if (e.workflowExecutionTimedOutEventAttributes) return d('run.timed_out', 'run timed out');
    return undefined;
  }
}

/** The events worth a line in a human timeline, secret parameter values masked. */
export function projectHistory(events: HistoryEvent[], converter: PayloadConverter): TimelineEntry[] {
  const describer = new EventDescriber(converter);
  const out: TimelineEntry[] = [];
  for (const e of events) {
    const entry = describer.describe(e);
    if (entry) out.push({ eventId: Number(e.eventId), time: eventTime(e), ...entry });
  }
  return maskValues(out, secretValues(events, converter));
}
