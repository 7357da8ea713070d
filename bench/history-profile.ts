/**
 * Where a run's time goes, read from its event history (server timestamps): how many
 * workflow tasks and events it took, how long the worker held each workflow task, how long
 * before the first activity was scheduled, and the gap between one activity's completion and
 * the next one's scheduling. Comparing these for the interpreter and the hand-written
 * baseline shows where the interpreter's overhead comes from.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

type Event = temporal.api.history.v1.IHistoryEvent;

export interface RunProfile {
  events: number;
  historyBytes: number;
  workflowTasks: number;
  localActivityMarkers: number;
  searchAttributeUpserts: number;
  activities: number;
  /** Sum over workflow tasks of started → completed: the worker's time on the workflow (plus one hop). */
  workflowTaskMs: number;
  /** Execution started → first activity scheduled: loading, validation, first search-attribute upsert. */
  startToFirstActivityMs: number;
  /** Mean of activity completed → next activity scheduled: the per-step cost of a workflow task. */
  betweenActivitiesMs: number;
  /** Last activity completed → execution completed. */
  lastActivityToCloseMs: number;
  /** Execution started → completed, server time. */
  serverTotalMs: number;
}

const typeName = (e: Event): string => {
  const t = e.eventType as unknown;
  const name = typeof t === 'number' ? temporal.api.enums.v1.EventType[t] : String(t);
  return name.replace(/^EVENT_TYPE_/, '');
};

export function profileHistory(history: temporal.api.history.v1.IHistory): RunProfile {
  const events = history.events ?? [];
  const at = (e: Event): number => tsToMs(e.eventTime as never);
  const of = (type: string): Event[] => events.filter((e) => typeName(e) === type);
  const wftCompleted = of('WORKFLOW_TASK_COMPLETED');
  const scheduled = of('ACTIVITY_TASK_SCHEDULED');
  const completed = of('ACTIVITY_TASK_COMPLETED');
  const start = at(events[0]);
  const close = at(events[events.length - 1]);
  const gaps = completed.slice(0, -1).map((c, i) => at(scheduled[i + 1]) - at(c));
  return {
    events: events.length,
    historyBytes: temporal.api.history.v1.History.encode(history).finish().length,
    workflowTasks: wftCompleted.length,
    localActivityMarkers: of('MARKER_RECORDED').length,
    searchAttributeUpserts: of('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES').length,
    activities: scheduled.length,
    workflowTaskMs: workflowTaskMs(events, at),
    startToFirstActivityMs: scheduled.length ? at(scheduled[0]) - start : NaN,
    betweenActivitiesMs: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN,
    lastActivityToCloseMs: completed.length ? close - at(completed[completed.length - 1]) : NaN,
    serverTotalMs: close - start,
  };
}

/** Each completed workflow task paired with the start just before it (a failed task leaves an unpaired start). */
function workflowTaskMs(events: Event[], at: (e: Event) => number): number {
  let total = 0;
  let started: number | undefined;
  for (const e of events) {
    const type = typeName(e);
    if (type === 'WORKFLOW_TASK_STARTED') started = at(e);
    else if (type === 'WORKFLOW_TASK_COMPLETED' && started !== undefined) total += at(e) - started;
  }
  return total;
}

/** Mean of each field over several runs, rounded, so one noisy run does not decide the story. */
export async function profileRuns(client: Client, workflowIds: string[]): Promise<RunProfile> {
  const profiles: RunProfile[] = [];
  for (const id of workflowIds) profiles.push(profileHistory(await client.workflow.getHandle(id).fetchHistory()));
  const keys = Object.keys(profiles[0]) as (keyof RunProfile)[];
  return Object.fromEntries(keys.map((k) => [k, Number((profiles.reduce((s, p) => s + p[k], 0) / profiles.length).toFixed(2))])) as unknown as RunProfile;
}
