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
 * then the nodes' roles), so a crash mid-failover never promotes twice.
 */
import { adversary, type AdversaryKind } from './adversaries';
import { executeFailover, FailoverStepError, type ExecuteResult } from './execute';
import { DEFAULT_HYSTERESIS, FailureDetector, HealthyFor, type DetectorEvent, type HysteresisOptions } from './hysteresis';
import type { IntentStore } from './intent';
import { KeyRing, observerKey } from './keys';
import { Observer, type Participant } from './observer';
import type { FailoverPorts, OverrideView } from './ports';
import { httpProbe } from './probe';
import { rpoGate, type LagSample, type RpoGateVerdict } from './rpo-gate';
import { rememberSamples, seedSamples, type ReplicationMemory } from './replication-memory';
import { QuorumTracker, type EquivocationProof, type RegionDecision } from './tracker';
import type { SignedVerdict } from './verdict';
import { setMaxListeners } from 'node:events';
import { pause, Wire } from './wire';

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
  observers: 4, probeTimeoutMs: 200, minPeriodMs: 25, maxPeriodMs: 50, freshnessMs: 400,
  rpoBudgetMs: 5_000, statusEveryMs: 200, windowMs: 10_000, noTargetEscalateMs: 3_000,
} as const;

/** A standby counts as a target once a quorum has said "up" about it this long. */
const TARGET_UP_MS = 250;

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

export type MonitorOutcome = 'failed-over' | 'escalated' | 'held' | 'force-requested' | 'quiet';

export interface MonitorResult {
  outcome: MonitorOutcome;
  reason: string;
  primary: string;
  previousPrimary?: string;
  target?: string;
  epoch: number;
  resumed?: boolean;
  /** ms since the Unix epoch; and the gaps between them in `durations`. */
  timings: Record<string, number>;
  durations: Record<string, number>;
  quorum?: {
    n: number; f: number; size: number; observers: Record<string, string>;
    decision?: Omit<RegionDecision, 'verdicts'> & { verdicts: unknown[] };
    publicKeys: Record<string, string>;
    rejected: Record<string, number>;
    accepted: number;
    isolated: string[];
    equivocations: EquivocationProof[];
  };
  verification?: { verdictsVerified: number; totalMicros: number; meanMicros: number; decisionSignatures: number; decisionMicros: number; sinceLastDecision: { verified: number; micros: number } };
  hysteresis?: { flaps: number; requiredDownMs: number; events: { type: string; at: number; detail?: string }[] };
  rpo?: RpoGateVerdict & { sample?: LagSample };
  steps?: ExecuteResult['steps'];
  overrides?: { hold: OverrideView['hold']; forces: number };
  /** For the next window: the last replication samples this one had. */
  replication?: ReplicationMemory;
}

const durations = (t: Record<string, number>): Record<string, number> => {
  const from = (a: string, b: string) => (t[a] !== undefined && t[b] !== undefined ? { [`${a.replace(/At$/, '')}To${b[0].toUpperCase()}${b.slice(1).replace(/At$/, '')}Ms`]: t[b] - t[a] } : {});
  return {
    ...from('failureSeenAt', 'quorumAt'), ...from('failureSeenAt', 'decidedAt'), ...from('decidedAt', 'switchedAt'),
    ...from('failureSeenAt', 'switchedAt'), ...from('decidedAt', 'routerFencedAt'), ...from('promoteStartedAt', 'promotedAt'),
  };
};

export async function runMonitor(config: MonitorConfig, deps: MonitorDeps): Promise<MonitorResult> {
  const pending = deps.store.read();
  if (pending && pending.from === config.primary && pending.epoch > config.epoch) return resume(config, deps, pending.to, pending.forced);
  // No intent here (another host's disk, or none written): the roles the nodes report.
  const others = Object.keys(config.regions).filter((r) => r !== config.primary);
  const roles = await Promise.all(Object.keys(config.regions).map((r) => deps.ports.status(r, 1_000).catch(() => undefined)));
  const writable = roles.filter((s) => s?.reachable && s.role === 'primary' && s.writable).map((s) => s!.region);
  const promotedStandby = writable.find((r) => others.includes(r));
  if (promotedStandby && writable.includes(config.primary)) {
    return base(config, 'escalated', `two writable primaries: ${writable.join(' and ')}; a human must choose which one to fence (split-brain risk)`);
  }
  if (promotedStandby) return resume(config, deps, promotedStandby, false);
  return watch(config, deps);
}

function base(config: MonitorConfig, outcome: MonitorOutcome, reason: string, extra: Partial<MonitorResult> = {}): MonitorResult {
  const timings = extra.timings ?? {};
  return { outcome, reason, primary: config.primary, epoch: config.epoch, timings, durations: durations(timings), ...extra };
}

async function resume(config: MonitorConfig, deps: MonitorDeps, to: string, forced: boolean): Promise<MonitorResult> {
  const earlier = deps.store.read();
  const exec = await executeFailover(deps.ports, deps.store, {
    key: deps.key, from: config.primary, to, epoch: config.epoch + 1, forced, timings: earlier?.timings ?? {},
    onPhase: (i) => deps.heartbeat?.({ phase: i.phase, to }),
  });
  const timings = exec.intent.timings;
  return base(config, 'failed-over', `completed the failover from ${config.primary} to ${to} that an earlier attempt started (${earlier ? `intent at phase ${earlier.phase}` : 'found promoted by role check'})`, {
    primary: to, previousPrimary: config.primary, target: to, epoch: exec.intent.epoch, resumed: true, timings, durations: durations(timings), steps: exec.steps,
    ...(earlier?.evidence ? (earlier.evidence as Partial<MonitorResult>) : {}),
  });
}

async function watch(config: MonitorConfig, deps: MonitorDeps): Promise<MonitorResult> {
  const ids = Array.from({ length: config.observers }, (_, i) => `o${i + 1}`);
  const keys = ids.map((id) => observerKey(id));
  const probes = ids.map((id) => httpProbe({ urls: { ...Object.fromEntries(Object.entries(config.regions).map(([r, s]) => [r, s.health])), ...config.observerUrls[id] }, timeoutMs: config.probeTimeoutMs }));
  const participants: Participant[] = keys.map((k, i) => (config.adversaries[k.observerId] ? adversary(config.adversaries[k.observerId], k) : new Observer(k, probes[i])));
  const tracker = new QuorumTracker(KeyRing.of(keys), { freshnessMs: config.freshnessMs });
  tracker.setEpoch(config.epoch);
  const wire = new Wire(tracker, participants, { minPeriodMs: config.minPeriodMs, maxPeriodMs: config.maxPeriodMs });
  const detector = new FailureDetector(config.hysteresis);
  const healthy = new HealthyFor();
  const samples = new Map<string, LagSample>();
  seedSamples(samples, config.lastReplication, config.primary, config.epoch, Object.keys(config.regions));
  const standbyLag = new Map<string, number>();
  const streakStart = new Map<string, number>();
  const events: { type: string; at: number; detail?: string }[] = [];
  const meterAtStart = { ...tracker.meter };
  const timings: Record<string, number> = { watchStartedAt: Date.now() };

  const stop = new AbortController();
  // Every probe loop and wait listens to it.
  setMaxListeners(0, stop.signal);
  const outer = deps.signal;
  const onOuterAbort = () => stop.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let result: MonitorResult | undefined;
  let acting = false;
  let overrideView: OverrideView | undefined;
  let overrideAt = 0;
  let initialForces: number | undefined;
  let noTargetSince: number | undefined;
  // One status probe of the primary from the moment the quorum suspects it: if it is still
  // unanswered at the decision, the fence need not wait to learn the node is silent (execute.ts).
  let suspectProbe: { since: number; answered: boolean } | undefined;
  let lastPrimaryDeliveryAt = Date.now();
  let failure: unknown;

  const evidence = (decision?: RegionDecision): Pick<MonitorResult, 'quorum' | 'verification' | 'hysteresis'> => {
    const m = tracker.meter;
    const verified = m.verifications - meterAtStart.verifications;
    const micros = Number(m.nanos - meterAtStart.nanos) / 1000;
    const mean = verified ? micros / verified : 0;
    const signatures = decision?.verdicts.length ?? 0;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      quorum: {
        n: tracker.n, f: tracker.f, size: tracker.quorum,
        observers: Object.fromEntries(ids.map((id) => [id, config.adversaries[id] ? `adversary:${config.adversaries[id]}` : 'honest'])),
        ...(decision ? { decision } : {}),
        publicKeys: tracker.ring.publicKeys(),
        rejected: Object.fromEntries(Object.entries(tracker.counts).filter(([k, v]) => k !== 'accepted' && v > 0)),
        accepted: tracker.counts.accepted, isolated: tracker.isolated(), equivocations: tracker.proofs.slice(0, 5),
      },
      verification: { verdictsVerified: verified, totalMicros: r1(micros), meanMicros: r1(mean), decisionSignatures: signatures, decisionMicros: r1(signatures * mean), sinceLastDecision: { verified, micros: r1(micros) } },
      hysteresis: { flaps: detector.flaps.length, requiredDownMs: Math.round(detector.requiredDownMs(Date.now())), events: events.slice(-30) },
    };
  };
  const finish = (r: MonitorResult) => {
    if (result) return;
    result = r;
    stop.abort();
  };

  const refreshOverrides = async (): Promise<OverrideView | undefined> => {
    if (!deps.overrides) return undefined;
    const view = await Promise.race([deps.overrides().catch(() => undefined), pause(500).then(() => undefined)]);
    if (view) {
      overrideView = view;
      overrideAt = Date.now();
      initialForces ??= view.forces.length;
      if (view.forces.length > initialForces && !acting) {
        const f = view.forces[view.forces.length - 1];
        finish(base(config, 'force-requested', `forceFailover to ${f.target} requested by ${f.by}${f.reason ? `: ${f.reason}` : ''}`, { target: f.target, timings, ...evidence(), overrides: { hold: view.hold, forces: view.forces.length } }));
      }
    }
    return view;
  };

  const chooseTarget = (now: number): string | undefined => {
    const candidates = Object.keys(config.regions)
      .filter((r) => r !== config.primary && tracker.decide(r, now).state === 'up' && healthy.upForMs(r, now) >= TARGET_UP_MS);
    const lag = (r: string) => samples.get(r)?.lagBytes ?? Number.MAX_SAFE_INTEGER;
    const sync = (r: string) => (samples.get(r)?.syncState === 'sync' ? 0 : 1);
    return candidates.sort((a, b) => sync(a) - sync(b) || lag(a) - lag(b) || a.localeCompare(b))[0];
  };

  const act = async (event: Extract<DetectorEvent, { type: 'confirmed' }>) => {
    acting = true;
    try {
      const decision = event.decision;
      timings.quorumAt ??= event.suspectAt;
      timings.decidedAt = event.at;
      // The (f+1)-th earliest streak start among the quorum: at least one honest observer saw the failure by then.
      const starts = decision.verdicts.map((v) => streakStart.get(v.observerId) ?? v.observedAt).sort((a, b) => a - b);
      timings.failureSeenAt = starts[Math.min(tracker.f, starts.length - 1)];
      const view = Date.now() - overrideAt < 1_000 ? overrideView : await refreshOverrides();
      if (result) return;
      if (view?.hold) {
        return finish(base(config, 'held', `${config.primary} is down by quorum, but automatic failover is on hold (holdFailover by ${view.hold.by}${view.hold.reason ? `: ${view.hold.reason}` : ''}); releaseHold or forceFailover`, { timings, ...evidence(decision), overrides: { hold: view.hold, forces: view.forces.length } }));
      }
      const now = Date.now();
      const target = chooseTarget(now);
      if (!target) {
        noTargetSince ??= now;
        if (now - noTargetSince >= config.noTargetEscalateMs) finish(base(config, 'escalated', `${config.primary} is down by quorum but no standby has been healthy by quorum for ${TARGET_UP_MS} ms; nothing to promote`, { timings, ...evidence(decision) }));
        return;
      }
      const sample = samples.get(target);
      const gate = rpoGate({ target, budgetMs: config.rpoBudgetMs, budgetBytes: config.rpoBudgetBytes, ...(sample ? { sample } : {}), observedLagBytes: tracker.decide(target, now).lagBytes, now, ...(standbyLag.has(target) ? { standbyLagSeconds: standbyLag.get(target)! } : {}) });
      const rpo = { ...gate, ...(sample ? { sample } : {}) };
      if (!gate.allowed) return finish(base(config, 'escalated', gate.reason, { target, timings, rpo, ...evidence(decision) }));
      timings.gatedAt = Date.now();
      const decisionEvidence = { ...evidence(decision), rpo, target };
      try {
        // Started first (its intent write and fences are on their way at the first await), then the
        // observers are stopped so the promotion has the CPU: aborting their probes is not on the path.
        const running = executeFailover(deps.ports, deps.store, {
          key: deps.key, from: config.primary, to: target, epoch: config.epoch + 1, forced: false, timings, evidence: decisionEvidence,
          ...(suspectProbe && !suspectProbe.answered ? { silentSince: suspectProbe.since } : {}),
          onPhase: (i) => deps.heartbeat?.({ phase: i.phase, to: target }),
        });
        stop.abort();
        const exec = await running;
        const t = exec.intent.timings;
        result = base(config, 'failed-over', `${config.primary} failed (down by a quorum of ${tracker.quorum} of ${tracker.n} signed verdicts for ${event.at - event.suspectAt} ms); promoted ${target} and switched traffic to it`, {
          ...decisionEvidence, primary: target, previousPrimary: config.primary, epoch: exec.intent.epoch, timings: t, durations: durations(t), steps: exec.steps,
        });
      } catch (error) {
        failure = error;
      }
    } finally {
      acting = false;
    }
  };

  const onDelivery = (region: string, _participant: Participant, accepted: { accepted: boolean }[], messages: unknown[]) => {
    if (result || stop.signal.aborted) return;
    const now = Date.now();
    const decision = tracker.decide(region, now);
    healthy.observe(decision, now);
    if (region !== config.primary) return;
    lastPrimaryDeliveryAt = now;
    // When each observer's current run of "down" verdicts began (accepted verdicts only): the detection time.
    messages.forEach((m, i) => {
      if (!accepted[i]?.accepted) return;
      const v = m as SignedVerdict;
      if (!v.healthy) {
        if (!streakStart.has(v.observerId)) streakStart.set(v.observerId, v.observedAt);
      } else streakStart.delete(v.observerId);
    });
    evaluatePrimary(decision, now);
  };

  // The primary's quorum is judged on every delivery, and on a tick once no delivery about it
  // came for a freshness period: if every probe of it stopped returning (issue 13: a hung
  // region and a lost probe timer), the silence itself must reach the detector (undecided →
  // escalation), not nothing at all. (Between deliveries the tick would only see verdicts
  // about to be replaced, and end real down episodes early.)
  const evaluatePrimary = (decision: RegionDecision, now: number) => {
    const event = detector.observe(decision, now);
    if (!event) return;
    events.push({ type: event.type, at: event.at, ...(event.type === 'flap' ? { detail: `down ${event.downForMs} ms, penalty ${event.penalty.toFixed(2)}` } : event.type === 'escalate' ? { detail: event.reason } : {}) });
    if (event.type === 'suspect') {
      timings.quorumAt = event.at;
      const probe = { since: Date.now(), answered: false };
      suspectProbe = probe;
      // Outlasts the longest hold: a probe that times out counts as answered (unreachable), never as silence.
      void deps.ports.status(config.primary, config.hysteresis.maxConfirmDownMs + 1_000).then(() => { probe.answered = true; }, () => { probe.answered = true; });
      // The decision reads the overrides (holdFailover): fetched now, the answer is in by the hold's end.
      if (Date.now() - overrideAt > 250) void refreshOverrides();
      armHoldEnd(event.at, detector.requiredDownMs(event.at));
    }
    if (event.type === 'flap') {
      delete timings.quorumAt;
      suspectProbe = undefined;
      clearTimeout(holdEnd);
    }
    if (event.type === 'escalate') finish(base(config, 'escalated', event.reason, { timings, ...evidence(decision) }));
    if (event.type === 'confirmed' && !acting) void act(event);
  };

  // The hold ends at suspectAt + required: judged then, not at the next delivery (up to a probe
  // period later). Only a quorum "down" at that instant, from fresh verdicts, is fed to the
  // detector, which confirms only if the same episode has held long enough — exactly what a
  // delivery at that instant would do; anything else is left to the deliveries.
  let holdEnd: NodeJS.Timeout | undefined;
  const armHoldEnd = (suspectAt: number, requiredMs: number) => {
    clearTimeout(holdEnd);
    holdEnd = setTimeout(() => {
      if (result || acting || stop.signal.aborted || detector.openDownSince() !== suspectAt) return;
      const now = Date.now();
      const decision = tracker.decide(config.primary, now);
      if (decision.state === 'down') evaluatePrimary(decision, now);
    }, Math.max(0, suspectAt + requiredMs - Date.now()) + 1);
  };

  // Background: the primary's view of each standby's lag (last known when it dies), overrides, heartbeats.
  const statusLoop = (async () => {
    while (!stop.signal.aborted) {
      const all = await Promise.all(Object.keys(config.regions).map((r) => deps.ports.status(r, Math.max(100, config.statusEveryMs)).catch(() => undefined)));
      for (const s of all) {
        if (!s?.reachable) continue;
        if (s.region === config.primary && s.role === 'primary') for (const r of s.replicas ?? []) samples.set(r.name, { at: Date.now(), lagBytes: r.lagBytes, lagSeconds: r.lagSeconds, ...(r.syncState ? { syncState: r.syncState } : {}) });
        if (s.region !== config.primary && s.role === 'standby' && s.lagSeconds !== undefined) standbyLag.set(s.region, s.lagSeconds);
      }
      await pause(config.statusEveryMs, stop.signal);
    }
  })();
  const overrideLoop = (async () => {
    while (!stop.signal.aborted) {
      await refreshOverrides();
      await pause(250, stop.signal);
    }
  })();
  const heartbeatLoop = (async () => {
    while (!stop.signal.aborted) {
      deps.heartbeat?.({ phase: 'watching', primary: config.primary, accepted: tracker.counts.accepted, flaps: detector.flaps.length });
      await pause(1_000, stop.signal);
    }
  })();
  const tickLoop = (async () => {
    while (!stop.signal.aborted) {
      await pause(config.minPeriodMs, stop.signal);
      if (result || stop.signal.aborted) return;
      const now = Date.now();
      if (now - lastPrimaryDeliveryAt <= config.freshnessMs) continue;
      evaluatePrimary(tracker.decide(config.primary, now), now);
    }
  })();
  const window = setTimeout(() => {
    if (acting || result) return;
    // A down still open, or confirmed with nothing to promote, is a failure nobody has acted on:
    // a person must hear of it now, not a 'quiet' that hands the next window a fresh detector.
    const open = detector.openDownSince();
    if (open !== undefined || noTargetSince !== undefined) {
      const decision = tracker.decide(config.primary, Date.now());
      return finish(base(config, 'escalated', `${config.primary} has been down by quorum since ${new Date(open ?? noTargetSince!).toISOString()} and the watch window (${config.windowMs} ms) ended without a failover (${noTargetSince !== undefined ? 'no standby was a healthy target' : `the down never held for the ${Math.round(detector.requiredDownMs(Date.now()))} ms hysteresis requires`}); a human must decide`, { timings, ...evidence(decision) }));
    }
    finish(base(config, 'quiet', `watched ${config.primary} for ${config.windowMs} ms: no failover needed`, { timings, ...evidence(), overrides: { hold: overrideView?.hold ?? null, forces: overrideView?.forces.length ?? 0 } }));
  }, config.windowMs);

  try {
    await wire.run(() => Object.keys(config.regions), stop.signal, onDelivery);
    // The wire stops when a decision stops it; a failover in progress goes on until it ends.
    while (acting) await pause(5);
    await Promise.all([statusLoop, overrideLoop, heartbeatLoop, tickLoop]);
  } finally {
    clearTimeout(window);
    clearTimeout(holdEnd);
    outer?.removeEventListener('abort', onOuterAbort);
    await Promise.all(probes.map((p) => p.close().catch(() => undefined)));
  }
  if (failure) throw failure instanceof FailoverStepError ? failure : failure;
  if (outer?.aborted && !result) throw outer.reason instanceof Error ? outer.reason : new Error('monitor cancelled');
  return { ...(result ?? base(config, 'quiet', 'stopped', { timings })), replication: rememberSamples(samples, config.primary, config.epoch) };
}

export { DEFAULT_HYSTERESIS };
