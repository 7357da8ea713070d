/**
 * The dead-man's switch: faults whose owner stopped heartbeating for longer than their TTL
 * (a SIGKILLed worker, a lost host) or that outlived their maximum duration are removed by
 * whoever runs the reaper — every worker does, every GENIE_CHAOS_REAP_INTERVAL (default 1s),
 * and `genie chaos reap` does once. It needs no workflow and no Temporal: only the fault
 * store and the targets. `all` removes every live fault at once (stop-all).
 */
import { formatDuration } from '../dsl/duration';
import { removeMany } from './faults';
import { FaultStore, type FaultRecord } from './store';

export interface ReapResult {
  checked: number;
  removed: { id: string; kind: string; target: string; reason: string; removal?: string }[];
  failed: { id: string; error: string }[];
}

/** Why the reaper removes this fault now, or undefined to leave it. */
export function reapReason(r: FaultRecord, now: number): string | undefined {
  const silent = now - Date.parse(r.heartbeatAt);
  if (silent > r.ttlMs) return `owner stopped heartbeating ${formatDuration(silent)} ago (ttl ${formatDuration(r.ttlMs)})`;
  if (now > Date.parse(r.deadline)) return `past its maximum duration (deadline ${r.deadline})`;
  return undefined;
}

export async function reapOnce(opts: { store?: FaultStore; all?: boolean; by?: string; reason?: string; now?: number } = {}): Promise<ReapResult> {
  const store = opts.store ?? new FaultStore();
  const now = opts.now ?? Date.now();
  const live = store.live();
  const due = live
    .map((r) => ({ r, reason: opts.all ? (opts.reason ?? 'stop-all') : reapReason(r, now) }))
    .filter((x): x is { r: FaultRecord; reason: string } => x.reason !== undefined);
  const result: ReapResult = { checked: live.length, removed: [], failed: [] };
  // One call per reason keeps each record's note exact.
  for (const reason of new Set(due.map((d) => d.reason))) {
    const ids = due.filter((d) => d.reason === reason).map((d) => d.r.id);
    const out = await removeMany(store, ids, { by: opts.by ?? 'reaper', reason, waitOwnerMs: opts.all ? 1_500 : 200 });
    result.removed.push(...out.removed.map((r) => ({ id: r.id, kind: r.kind, target: r.target, reason, ...(r.removal ? { removal: r.removal } : {}) })));
    result.failed.push(...out.failed);
  }
  return result;
}

export interface RunningReaper {
  stop(): Promise<void>;
}

export function reapIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.GENIE_CHAOS_REAP_INTERVAL;
  if (!v) return 1_000;
  const m = /^(\d+)(ms|s)?$/.exec(v.trim());
  if (!m) throw new Error(`GENIE_CHAOS_REAP_INTERVAL=${v} is not a duration like 500ms or 2s`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** Runs the reaper in the background of a worker; GENIE_CHAOS_REAPER=off leaves it out. */
export function startReaper(opts: { log?: (line: string) => void; intervalMs?: number; store?: FaultStore } = {}): RunningReaper | undefined {
  if (process.env.GENIE_CHAOS_REAPER === 'off') return undefined;
  const intervalMs = opts.intervalMs ?? reapIntervalMs();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let busy = false;
  const tick = () => {
    if (busy || stopped) return;
    busy = true;
    running = reapOnce({ ...(opts.store ? { store: opts.store } : {}) })
      .then(
        (r) => {
          for (const x of r.removed) opts.log?.(`chaos reaper: removed ${x.kind} fault ${x.id} on ${x.target}: ${x.reason}`);
          for (const x of r.failed) opts.log?.(`chaos reaper: could not remove fault ${x.id}: ${x.error}`);
        },
        (error: unknown) => opts.log?.(`chaos reaper: ${(error as Error).message}`),
      )
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
