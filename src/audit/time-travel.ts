/**
 * `genie replay <id> --at <event>`: the run's `state` as it was at any point of its history,
 * reconstructed by replaying the real history with the real workflow code (so it is the
 * state the workflow itself had, not a re-implementation). A run whose code has changed since
 * shows where replay diverges.
 */
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { RunState } from '../../workflows/api';
import { WORKFLOWS_PATH } from '../temporal/bundle';
import { genieDataConverter } from '../temporal/data-converter';
import { eventTime, type HistoryEvent } from '../temporal/history';

export interface TimeTravel {
  /** The last event applied: the one asked for, or the latest before the time asked for. */
  atEventId: number;
  atTime: string;
  totalEvents: number;
  state?: RunState;
  /** When the code no longer replays this history: where and why. */
  divergence?: string;
}

let bundle: Promise<{ code: string }> | undefined;
function probeBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [require.resolve('../../workflows/replay-probe')],
    logger: new DefaultLogger('WARN'),
    preloadModules: ['jsonata'],
  });
  return bundle;
}

/** The event id `at` names: a number is an event id, anything else a time (the last event at or before it). */
export function resolveAt(events: HistoryEvent[], at: string | undefined): number {
  const last = Number(events[events.length - 1]?.eventId ?? 0);
  if (at === undefined) return last;
  if (/^\d+$/.test(at)) {
    const id = Number(at);
    if (id < 1 || id > last) throw new Error(`--at ${at}: this history has events 1 to ${last}`);
    return id;
  }
  const when = Date.parse(at);
  if (Number.isNaN(when)) throw new Error(`--at ${at}: give an event id or a time such as 2026-11-26T21:30:00Z`);
  const before = events.filter((e) => Date.parse(eventTime(e)) <= when);
  if (before.length === 0) throw new Error(`--at ${at}: the run had not started yet (first event at ${eventTime(events[0])})`);
  return Number(before[before.length - 1].eventId);
}

export async function travel(workflowId: string, events: HistoryEvent[], at?: string): Promise<TimeTravel> {
  const atEventId = resolveAt(events, at);
  const upTo = events.filter((e) => Number(e.eventId) <= atEventId);
  const snapshots: { historyLength: number; state?: RunState }[] = [];
  let divergence: string | undefined;
  const dataConverter = genieDataConverter();
  try {
    await Worker.runReplayHistory(
      {
        workflowBundle: await probeBundle(),
        // The history is as the server stores it (encrypted): the replayer decodes like a worker.
        ...(dataConverter ? { dataConverter } : {}),
        sinks: {
          probe: {
            snapshot: {
              fn: (_info, historyLength, state) => void snapshots.push({ historyLength: historyLength as number, state: state as RunState | undefined }),
              callDuringReplay: true,
            },
          },
        },
      },
      { events: upTo } as temporal.api.history.v1.IHistory,
      workflowId,
    );
  } catch (err) {
    const message = (err as Error).message;
    // A truncated history ends mid-run, which the replayer may report; only nondeterminism is a divergence.
    if (/nondetermin/i.test(message)) divergence = message;
  }
  const last = [...snapshots].reverse().find((s) => s.state !== undefined);
  return {
    atEventId,
    atTime: eventTime(upTo[upTo.length - 1]),
    totalEvents: events.length,
    ...(last?.state ? { state: last.state } : {}),
    ...(divergence ? { divergence } : {}),
  };
}

/** Replays quietly: the replayer's own logs would drown the answer. */
export function quietReplayLogs(): void {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}
