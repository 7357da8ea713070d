/**
 * The fast path's loop (docs/architecture.md "Fast paths"): observers probe every region, the quorum
 * decides, hysteresis confirms, the RPO gate allows, and executeFailover fences, promotes
 * and switches — all inside one heartbeating activity, returning its evidence for the
 * workflow to record. It returns on the first of:
 *
 * - failed-over: the primary failed and traffic now goes to the promoted standby;
 * - escalated: no safe decision (observers disagree or too many are isolated, the RPO gate
 *   refused, no healthy standby, a second writable primary found) — a human decides;
 * - held: a failure was confirmed while holdFailover is in force;
 * - force-requested: an operator asked for forceFailover (the workflow gets approvals and
 *   runs it through failover.execute);
 * - quiet: the watch window ended with nothing to do (the workflow loops).
 *
 * On start it first finishes a failover an earlier attempt left half done (intent file,
 * then the nodes' roles), so a crash mid-failover never promotes twice. The decisions of a
 * watch window are a state machine of their own (primary-watch.ts); this file runs its loops.
 */
import { adversary, type AdversaryKind } from './adversaries';
import { executeFailover } from './execute';
import { DEFAULT_HYSTERESIS, type HysteresisOptions } from './hysteresis';
import type { IntentStore } from './intent';
import { KeyRing, observerKey } from './keys';
import { durations, monitorResult, type MonitorResult } from './monitor-result';
import { Observer, type Participant } from './observer';
import type { FailoverPorts, OverrideView } from './ports';
import { PrimaryWatch } from './primary-watch';
import { httpProbe } from './probe';
import type { ReplicationMemory } from './replication-memory';
import { QuorumTracker } from './tracker';
import { pause, Wire } from './wire';

export type { MonitorOutcome, MonitorResult } from './monitor-result';

export interface RegionSpec {
  /** The app's health URL (answers 200 only after a database round trip). */
  health: string;
}

export interface MonitorConfig {
  regions: Record<string, RegionSpec>;
  primary: string;
  /** Topology epoch: grows by one with every failover. */
  epoch: number;
  observers: number;
  /** Demo and tests only: observers (by id, o1..on) that lie. */
  adversaries: Record<string, AdversaryKind>;
  /** Per observer, health URLs that replace the region's (to partition one observer through a router fault). */
  observerUrls: Record<string, Record<string, string>>;
  probeTimeoutMs: number;
  minPeriodMs: number;
  maxPeriodMs: number;
  freshnessMs: number;
  hysteresis: HysteresisOptions;
  rpoBudgetMs: number;
  rpoBudgetBytes: number | null;
  /** How often the primary's replication status is sampled for the RPO gate. */
  statusEveryMs: number;
  /** How long to watch before returning `quiet`. */
  windowMs: number;
  /** Escalate when a failure is confirmed but no standby is healthy for this long. */
  noTargetEscalateMs: number;
  /** The previous window's last replication samples (see replication-memory.ts). */
  lastReplication?: ReplicationMemory;
}

export const MONITOR_DEFAULTS = {
  observers: 4,
  probeTimeoutMs: 200,
  minPeriodMs: 25,
  maxPeriodMs: 50,
  freshnessMs: 400,
  rpoBudgetMs: 5_000,
  statusEveryMs: 200,
  windowMs: 10_000,
  noTargetEscalateMs: 3_000,
} as const;

export interface MonitorDeps {
  ports: FailoverPorts;
  store: IntentStore;
  /** The run (workflow id): names the intent and the evidence. */
  key: string;
  signal?: AbortSignal;
  heartbeat?: (details: unknown) => void;
  /** The workflow's override log (undefined: not available, e.g. outside Temporal). */
  overrides?: () => Promise<OverrideView | undefined>;
}

export async function runMonitor(config: MonitorConfig, deps: MonitorDeps): Promise<MonitorResult> {
  const pending = deps.store.read();
  if (pending && pending.from === config.primary && pending.epoch > config.epoch) return resume(config, deps, pending.to, pending.forced);
  // No intent here (another host's disk, or none written): the roles the nodes report.
  const others = Object.keys(config.regions).filter((r) => r !== config.primary);
  const roles = await Promise.all(Object.keys(config.regions).map((r) => deps.ports.status(r, 1_000).catch(() => undefined)));
  const writable = roles.filter((s) => s?.reachable && s.role === 'primary' && s.writable).map((s) => s!.region);
  const promotedStandby = writable.find((r) => others.includes(r));
  if (promotedStandby && writable.includes(config.primary)) {
    return monitorResult(config, 'escalated', `two writable primaries: ${writable.join(' and ')}; a human must choose which one to fence (split-brain risk)`);
  }
  if (promotedStandby) return resume(config, deps, promotedStandby, false);
  return watch(config, deps);
}

async function resume(config: MonitorConfig, deps: MonitorDeps, to: string, forced: boolean): Promise<MonitorResult> {
  const earlier = deps.store.read();
  const exec = await executeFailover(deps.ports, deps.store, {
    key: deps.key,
    from: config.primary,
    to,
    epoch: config.epoch + 1,
    forced,
    timings: earlier?.timings ?? {},
    onPhase: (i) => deps.heartbeat?.({ phase: i.phase, to }),
  });
  const timings = exec.intent.timings;
  return monitorResult(
    config,
    'failed-over',
    `completed the failover from ${config.primary} to ${to} that an earlier attempt started (${earlier ? `intent at phase ${earlier.phase}` : 'found promoted by role check'})`,
    {
      primary: to,
      previousPrimary: config.primary,
      target: to,
      epoch: exec.intent.epoch,
      resumed: true,
      timings,
      durations: durations(timings),
      steps: exec.steps,
      ...(earlier?.evidence ? (earlier.evidence as Partial<MonitorResult>) : {}),
    },
  );
}

/** The observers, the wire and the loops that feed a PrimaryWatch its events (primary-watch.ts decides). */
async function watch(config: MonitorConfig, deps: MonitorDeps): Promise<MonitorResult> {
  const ids = Array.from({ length: config.observers }, (_, i) => `o${i + 1}`);
  const keys = ids.map((id) => observerKey(id));
  const probes = ids.map((id) =>
    httpProbe({
      urls: { ...Object.fromEntries(Object.entries(config.regions).map(([r, s]) => [r, s.health])), ...config.observerUrls[id] },
      timeoutMs: config.probeTimeoutMs,
    }),
  );
  const participants: Participant[] = keys.map((k, i) =>
    config.adversaries[k.observerId] ? adversary(config.adversaries[k.observerId], k) : new Observer(k, probes[i]),
  );
  const tracker = new QuorumTracker(KeyRing.of(keys), { freshnessMs: config.freshnessMs });
  tracker.setEpoch(config.epoch);
  const wire = new Wire(tracker, participants, { minPeriodMs: config.minPeriodMs, maxPeriodMs: config.maxPeriodMs });
  const machine = new PrimaryWatch(config, {
    ports: deps.ports,
    store: deps.store,
    key: deps.key,
    tracker,
    observerIds: ids,
    ...(deps.heartbeat ? { heartbeat: deps.heartbeat } : {}),
    ...(deps.overrides ? { overrides: deps.overrides } : {}),
  });
  const stop = machine.signal;
  const outer = deps.signal;
  const onOuterAbort = () => machine.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  // Background: the primary's view of each standby's lag (last known when it dies), overrides, heartbeats, ticks.
  const statusLoop = (async () => {
    while (!stop.aborted) {
      machine.statusSeen(
        await Promise.all(Object.keys(config.regions).map((r) => deps.ports.status(r, Math.max(100, config.statusEveryMs)).catch(() => undefined))),
      );
      await pause(config.statusEveryMs, stop);
    }
  })();
  const overrideLoop = (async () => {
    while (!stop.aborted) {
      await machine.refreshOverrides();
      await pause(250, stop);
    }
  })();
  const heartbeatLoop = (async () => {
    while (!stop.aborted) {
      deps.heartbeat?.(machine.heartbeatDetails());
      await pause(1_000, stop);
    }
  })();
  const tickLoop = (async () => {
    while (!stop.aborted) {
      await pause(config.minPeriodMs, stop);
      if (machine.finished || stop.aborted) return;
      machine.tick();
    }
  })();
  machine.start();

  try {
    await wire.run(
      () => Object.keys(config.regions),
      stop,
      (region, _participant, accepted, messages) => machine.delivered(region, accepted, messages),
    );
    // The wire stops when a decision stops it; a failover in progress goes on until it ends.
    while (machine.acting) await pause(5);
    await Promise.all([statusLoop, overrideLoop, heartbeatLoop, tickLoop]);
  } finally {
    machine.close();
    outer?.removeEventListener('abort', onOuterAbort);
    await Promise.all(probes.map((p) => p.close().catch(() => undefined)));
  }
  return machine.answer(outer?.aborted ? { reason: outer.reason } : undefined);
}

export { DEFAULT_HYSTERESIS };
