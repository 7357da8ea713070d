/**
 * The decisions of one watch window over the primary, as a state machine: one method per
 * event the monitor's loops bring (a round of verdicts, a tick, the hold's end, a status
 * round, the overrides, the window's end), and what varies between states spelled out as
 * unions below. monitor.ts runs the observers and the loops; nothing here probes on its own
 * except the one status probe of a suspect primary and the failover itself (through the ports).
 *
 *   watching ──suspect──▶ suspected ──confirmed──▶ acting ──▶ finished: failed-over | held | escalated (RPO gate)
 *       ▲                     │  ▲                     │
 *       └───────flap──────────┘  └── no target yet ────┘ (escalated once none for noTargetEscalateMs)
 *
 * Besides: observers disagreeing or a lost quorum finish it escalated from any state until a
 * failover has started; a new forceFailover (force-requested) and the window's end (quiet, or
 * escalated if a down is still open or found no target) finish it from any state but acting.
 * Time comes from a WatchClock, so a test can drive every transition.
 */
import { setMaxListeners } from 'node:events';
import { executeFailover } from './execute';
import { FailureDetector, HealthyFor, type DetectorEvent } from './hysteresis';
import type { IntentStore } from './intent';
import type { MonitorConfig } from './monitor';
import { monitorResult, durations, type MonitorOutcome, type MonitorResult, type TargetChoice } from './monitor-result';
import type { FailoverPorts, OverrideView, RegionRole } from './ports';
import { seedSamples, rememberSamples } from './replication-memory';
import { rpoGate, type LagSample } from './rpo-gate';
import { furthestAlong, rankDecides, rankTargets } from './target-choice';
import type { QuorumTracker, RegionDecision } from './tracker';
import type { SignedVerdict } from './verdict';
import { pause } from './wire';

/** A standby counts as a target once a quorum has said "up" about it this long. */
export const TARGET_UP_MS = 250;
/** How long the candidates are given to say how far into the log they are (a loopback round trip is a few ms). */
const TARGET_POSITION_TIMEOUT_MS = 250;

export interface WatchClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_WATCH_CLOCK: WatchClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

export interface PrimaryWatchDeps {
  ports: FailoverPorts;
  store: IntentStore;
  key: string;
  heartbeat?: (details: unknown) => void;
  overrides?: () => Promise<OverrideView | undefined>;
  tracker: QuorumTracker;
  /** The observers' ids, for the evidence. */
  observerIds: string[];
  clock?: WatchClock;
}

/** Set once; the first outcome wins. */
type Outcome = { kind: 'pending' } | { kind: 'finished'; result: MonitorResult } | { kind: 'failed'; error: unknown };

/**
 * A quorum "down" about the primary is open: one status probe of it went out at the suspicion
 * (if it is still unanswered at the decision, the fence need not wait to learn the node is
 * silent: execute.ts), and the hold's end is armed to be judged on time.
 */
type Suspicion = { kind: 'none' } | { kind: 'suspected'; probe: { since: number; answered: boolean }; holdEnd: unknown };

/** The operators' override log as last read; the forces already there when the watch began are not new requests. */
type Overrides = { kind: 'unread' } | { kind: 'read'; view: OverrideView; at: number; initialForces: number };

export type WatchPhase = 'watching' | 'suspected' | 'acting' | 'finished' | 'failed';

type Confirmed = Extract<DetectorEvent, { type: 'confirmed' }>;

export class PrimaryWatch {
  private readonly clock: WatchClock;
  private readonly tracker: QuorumTracker;
  private readonly stop = new AbortController();
  private readonly detector: FailureDetector;
  private readonly healthy = new HealthyFor();
  private readonly samples = new Map<string, LagSample>();
  private readonly standbyLag = new Map<string, number>();
  /** When each observer's current run of "down" verdicts about the primary began (accepted verdicts only): the detection time. */
  private readonly streakStart = new Map<string, number>();
  private readonly events: { type: string; at: number; detail?: string }[] = [];
  private readonly meterAtStart: { verifications: number; nanos: bigint };
  private readonly timings: Record<string, number>;

  private outcome: Outcome = { kind: 'pending' };
  /** A failover attempt is in progress (one at a time); other events wait for its end or its result. */
  private actingNow = false;
  private suspicion: Suspicion = { kind: 'none' };
  private overrides: Overrides = { kind: 'unread' };
  /**
   * When a confirmed failure first found no standby to promote. Kept for the whole window, even
   * if the down later flaps: the window's end must escalate a failure nobody could act on.
   */
  private noTargetSince: number | undefined;
  private lastPrimaryDeliveryAt: number;
  private windowEnd: unknown;

  constructor(
    private readonly config: MonitorConfig,
    private readonly deps: PrimaryWatchDeps,
  ) {
    this.clock = deps.clock ?? SYSTEM_WATCH_CLOCK;
    this.tracker = deps.tracker;
    this.detector = new FailureDetector(config.hysteresis);
    seedSamples(this.samples, config.lastReplication, config.primary, config.epoch, Object.keys(config.regions), this.clock.now());
    this.meterAtStart = { ...this.tracker.meter };
    this.timings = { watchStartedAt: this.clock.now() };
    this.lastPrimaryDeliveryAt = this.clock.now();
    // Every probe loop and wait listens to it.
    setMaxListeners(0, this.stop.signal);
  }

  /** Aborted when the watch decided (or a failover started): the observers and loops stop. */
  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get acting(): boolean {
    return this.actingNow;
  }

  get finished(): boolean {
    return this.outcome.kind !== 'pending';
  }

  get phase(): WatchPhase {
    if (this.outcome.kind !== 'pending') return this.outcome.kind;
    if (this.actingNow) return 'acting';
    return this.suspicion.kind === 'suspected' ? 'suspected' : 'watching';
  }

  /** Arms the window: at its end the watch finishes, quiet or escalated. */
  start(): this {
    this.windowEnd = this.clock.setTimeout(() => this.windowEnded(), this.config.windowMs);
    return this;
  }

  /** Stops everything from outside (the activity was cancelled). */
  abort(): void {
    this.stop.abort();
  }

  /** Clears the timers; after the loops have ended. */
  close(): void {
    this.clock.clearTimeout(this.windowEnd);
    if (this.suspicion.kind === 'suspected') this.clock.clearTimeout(this.suspicion.holdEnd);
  }

  /** The watch's answer once it has stopped: its result, or the failover's error. */
  answer(cancelled?: { reason: unknown }): MonitorResult {
    if (this.outcome.kind === 'failed') throw this.outcome.error;
    if (cancelled && this.outcome.kind === 'pending') throw cancelled.reason instanceof Error ? cancelled.reason : new Error('monitor cancelled');
    const result = this.outcome.kind === 'finished' ? this.outcome.result : this.result('quiet', 'stopped', { timings: this.timings });
    return { ...result, replication: rememberSamples(this.samples, this.config.primary, this.config.epoch) };
  }

  heartbeatDetails(): unknown {
    return { phase: 'watching', primary: this.config.primary, accepted: this.tracker.counts.accepted, flaps: this.detector.flaps.length };
  }

  // ── events ──────────────────────────────────────────────────────────────────────────────

  /** A participant's verdicts about `region` are in (and ingested by the tracker). */
  delivered(region: string, accepted: { accepted: boolean }[], messages: unknown[]): void {
    if (this.finished || this.stop.signal.aborted) return;
    const now = this.clock.now();
    const decision = this.tracker.decide(region, now);
    this.healthy.observe(decision, now);
    if (region !== this.config.primary) return;
    this.lastPrimaryDeliveryAt = now;
    messages.forEach((m, i) => {
      if (!accepted[i]?.accepted) return;
      const v = m as SignedVerdict;
      if (!v.healthy) {
        if (!this.streakStart.has(v.observerId)) this.streakStart.set(v.observerId, v.observedAt);
      } else this.streakStart.delete(v.observerId);
    });
    this.evaluatePrimary(decision, now);
  }

  /**
   * The primary's quorum is judged on every delivery, and on a tick once no delivery about it
   * came for a freshness period: if every probe of it stopped returning (issue 13: a hung
   * region and a lost probe timer), the silence itself must reach the detector (undecided →
   * escalation), not nothing at all. (Between deliveries the tick would only see verdicts
   * about to be replaced, and end real down episodes early.)
   */
  tick(): void {
    const now = this.clock.now();
    if (now - this.lastPrimaryDeliveryAt <= this.config.freshnessMs) return;
    this.evaluatePrimary(this.tracker.decide(this.config.primary, now), now);
  }

  /** A round of status answers: the primary's view of each standby's lag (last known when it dies). */
  statusSeen(roles: (RegionRole | undefined)[]): void {
    const primary = this.config.primary;
    for (const s of roles) {
      if (!s?.reachable) continue;
      if (s.region === primary && s.role === 'primary')
        for (const r of s.replicas ?? [])
          this.samples.set(r.name, {
            at: this.clock.now(),
            lagBytes: r.lagBytes,
            lagSeconds: r.lagSeconds,
            ...(r.syncState ? { syncState: r.syncState } : {}),
          });
      if (s.region !== primary && s.role === 'standby' && s.lagSeconds !== undefined) this.standbyLag.set(s.region, s.lagSeconds);
    }
  }

  /** Reads the override log (at most 500 ms); a forceFailover that arrived since the watch began finishes it. */
  async refreshOverrides(): Promise<OverrideView | undefined> {
    if (!this.deps.overrides) return undefined;
    const view = await Promise.race([this.deps.overrides().catch(() => undefined), pause(500).then(() => undefined)]);
    if (view) this.overridesRead(view);
    return view;
  }

  private overridesRead(view: OverrideView): void {
    const initialForces = this.overrides.kind === 'read' ? this.overrides.initialForces : view.forces.length;
    this.overrides = { kind: 'read', view, at: this.clock.now(), initialForces };
    if (view.forces.length > initialForces && !this.actingNow) {
      const f = view.forces[view.forces.length - 1];
      this.finish(
        this.result('force-requested', `forceFailover to ${f.target} requested by ${f.by}${f.reason ? `: ${f.reason}` : ''}`, {
          target: f.target,
          timings: this.timings,
          ...this.evidence(),
          overrides: { hold: view.hold, forces: view.forces.length },
        }),
      );
    }
  }

  /**
   * The hold ends at suspectAt + required: judged then, not at the next delivery (up to a probe
   * period later). Only a quorum "down" at that instant, from fresh verdicts, is fed to the
   * detector, which confirms only if the same episode has held long enough — exactly what a
   * delivery at that instant would do; anything else is left to the deliveries.
   */
  private holdEnded(suspectAt: number): void {
    if (this.finished || this.actingNow || this.stop.signal.aborted || this.detector.openDownSince() !== suspectAt) return;
    const now = this.clock.now();
    const decision = this.tracker.decide(this.config.primary, now);
    if (decision.state === 'down') this.evaluatePrimary(decision, now);
  }

  private windowEnded(): void {
    if (this.actingNow || this.finished) return;
    const { config, detector } = this;
    // A down still open, or confirmed with nothing to promote, is a failure nobody has acted on:
    // a person must hear of it now, not a 'quiet' that hands the next window a fresh detector.
    const open = detector.openDownSince();
    if (open !== undefined || this.noTargetSince !== undefined) {
      const decision = this.tracker.decide(config.primary, this.clock.now());
      const why =
        this.noTargetSince !== undefined
          ? 'no standby was a healthy target'
          : `the down never held for the ${Math.round(detector.requiredDownMs(this.clock.now()))} ms hysteresis requires`;
      return this.finish(
        this.result(
          'escalated',
          `${config.primary} has been down by quorum since ${new Date(open ?? this.noTargetSince!).toISOString()} and the watch window (${config.windowMs} ms) ended without a failover (${why}); a human must decide`,
          { timings: this.timings, ...this.evidence(decision) },
        ),
      );
    }
    const view = this.overrides.kind === 'read' ? this.overrides.view : undefined;
    this.finish(
      this.result('quiet', `watched ${config.primary} for ${config.windowMs} ms: no failover needed`, {
        timings: this.timings,
        ...this.evidence(),
        overrides: { hold: view?.hold ?? null, forces: view?.forces.length ?? 0 },
      }),
    );
  }

  // ── transitions ─────────────────────────────────────────────────────────────────────────

  private evaluatePrimary(decision: RegionDecision, now: number): void {
    const event = this.detector.observe(decision, now);
    if (!event) return;
    this.events.push({
      type: event.type,
      at: event.at,
      ...(event.type === 'flap'
        ? { detail: `down ${event.downForMs} ms, penalty ${event.penalty.toFixed(2)}` }
        : event.type === 'escalate'
          ? { detail: event.reason }
          : {}),
    });
    if (event.type === 'suspect') this.suspect(event.at);
    if (event.type === 'flap') this.recovered();
    if (event.type === 'escalate') this.finish(this.result('escalated', event.reason, { timings: this.timings, ...this.evidence(decision) }));
    if (event.type === 'confirmed' && !this.actingNow) void this.act(event);
  }

  private suspect(at: number): void {
    this.timings.quorumAt = at;
    const probe = { since: this.clock.now(), answered: false };
    if (this.suspicion.kind === 'suspected') this.clock.clearTimeout(this.suspicion.holdEnd);
    // Outlasts the longest hold: a probe that times out counts as answered (unreachable), never as silence.
    void this.deps.ports.status(this.config.primary, this.config.hysteresis.maxConfirmDownMs + 1_000).then(
      () => {
        probe.answered = true;
      },
      () => {
        probe.answered = true;
      },
    );
    // The decision reads the overrides (holdFailover): fetched now, the answer is in by the hold's end.
    if (this.overridesAgeMs() > 250) void this.refreshOverrides();
    const holdEnd = this.clock.setTimeout(() => this.holdEnded(at), Math.max(0, at + this.detector.requiredDownMs(at) - this.clock.now()) + 1);
    this.suspicion = { kind: 'suspected', probe, holdEnd };
  }

  private recovered(): void {
    delete this.timings.quorumAt;
    if (this.suspicion.kind === 'suspected') this.clock.clearTimeout(this.suspicion.holdEnd);
    this.suspicion = { kind: 'none' };
  }

  private async act(event: Confirmed): Promise<void> {
    this.actingNow = true;
    try {
      const { config, tracker, timings } = this;
      const decision = event.decision;
      timings.quorumAt ??= event.suspectAt;
      timings.decidedAt = event.at;
      // The (f+1)-th earliest streak start among the quorum: at least one honest observer saw the failure by then.
      const starts = decision.verdicts.map((v) => this.streakStart.get(v.observerId) ?? v.observedAt).sort((a, b) => a - b);
      timings.failureSeenAt = starts[Math.min(tracker.f, starts.length - 1)];
      const view = this.overridesAgeMs() < 1_000 && this.overrides.kind === 'read' ? this.overrides.view : await this.refreshOverrides();
      if (this.finished) return;
      if (view?.hold) {
        return this.finish(
          this.result(
            'held',
            `${config.primary} is down by quorum, but automatic failover is on hold (holdFailover by ${view.hold.by}${view.hold.reason ? `: ${view.hold.reason}` : ''}); releaseHold or forceFailover`,
            { timings, ...this.evidence(decision), overrides: { hold: view.hold, forces: view.forces.length } },
          ),
        );
      }
      const now = this.clock.now();
      const ranked = this.candidates(now);
      if (!ranked.length) {
        this.noTargetSince ??= now;
        if (now - this.noTargetSince >= config.noTargetEscalateMs)
          this.finish(
            this.result(
              'escalated',
              `${config.primary} is down by quorum but no standby has been healthy by quorum for ${TARGET_UP_MS} ms; nothing to promote`,
              { timings, ...this.evidence(decision) },
            ),
          );
        return;
      }
      const choice = await this.furthestCandidate(ranked);
      if (this.finished) return;
      const target = choice.target;
      const sample = this.samples.get(target);
      const gate = rpoGate({
        target,
        budgetMs: config.rpoBudgetMs,
        budgetBytes: config.rpoBudgetBytes,
        ...(sample ? { sample } : {}),
        observedLagBytes: tracker.decide(target, now).lagBytes,
        now,
        ...(this.standbyLag.has(target) ? { standbyLagSeconds: this.standbyLag.get(target)! } : {}),
      });
      const rpo = { ...gate, ...(sample ? { sample } : {}) };
      if (!gate.allowed) return this.finish(this.result('escalated', gate.reason, { target, timings, rpo, ...this.evidence(decision) }));
      timings.gatedAt = this.clock.now();
      await this.failOver(event, target, { ...this.evidence(decision), rpo, target, targetChoice: choice });
    } finally {
      this.actingNow = false;
    }
  }

  private async failOver(event: Confirmed, target: string, decisionEvidence: Partial<MonitorResult>): Promise<void> {
    const { config, deps, tracker } = this;
    const probe = this.suspicion.kind === 'suspected' ? this.suspicion.probe : undefined;
    try {
      // Started first (its intent write and fences are on their way at the first await), then the
      // observers are stopped so the promotion has the CPU: aborting their probes is not on the path.
      const running = executeFailover(deps.ports, deps.store, {
        key: deps.key,
        from: config.primary,
        to: target,
        epoch: config.epoch + 1,
        forced: false,
        timings: this.timings,
        evidence: decisionEvidence,
        ...(probe && !probe.answered ? { silentSince: probe.since } : {}),
        onPhase: (i) => deps.heartbeat?.({ phase: i.phase, to: target }),
      });
      this.stop.abort();
      const exec = await running;
      const t = exec.intent.timings;
      this.finish(
        this.result(
          'failed-over',
          `${config.primary} failed (down by a quorum of ${tracker.quorum} of ${tracker.n} signed verdicts for ${event.at - event.suspectAt} ms); promoted ${target} and switched traffic to it`,
          {
            ...decisionEvidence,
            primary: target,
            previousPrimary: config.primary,
            epoch: exec.intent.epoch,
            timings: t,
            durations: durations(t),
            steps: exec.steps,
          },
        ),
      );
    } catch (error) {
      this.outcome = { kind: 'failed', error };
    }
  }

  private finish(result: MonitorResult): void {
    if (this.outcome.kind !== 'pending') return;
    this.outcome = { kind: 'finished', result };
    this.stop.abort();
  }

  // ── readings ────────────────────────────────────────────────────────────────────────────

  private overridesAgeMs(): number {
    return this.overrides.kind === 'read' ? this.clock.now() - this.overrides.at : Number.POSITIVE_INFINITY;
  }

  /** The standbys a quorum has called healthy long enough, best first by what is known without asking. */
  private candidates(now: number): string[] {
    const { config, tracker, healthy } = this;
    const healthyStandbys = Object.keys(config.regions).filter(
      (r) => r !== config.primary && tracker.decide(r, now).state === 'up' && healthy.upForMs(r, now) >= TARGET_UP_MS,
    );
    return rankTargets(healthyStandbys, this.samples);
  }

  /** The candidate with every acknowledged commit: asked once more unless the ranking decides (target-choice.ts). */
  private async furthestCandidate(ranked: string[]): Promise<TargetChoice> {
    if (rankDecides(ranked, this.samples)) return { target: ranked[0]!, ranked, asked: false };
    const answers = await Promise.all(ranked.map((r) => this.deps.ports.status(r, TARGET_POSITION_TIMEOUT_MS).catch(() => undefined)));
    const receivedWalBytes = Object.fromEntries(
      ranked.map((r, i) => {
        const a = answers[i];
        return [r, a?.reachable && a.role === 'standby' && a.receivedWalBytes !== undefined ? a.receivedWalBytes : null];
      }),
    );
    return { target: furthestAlong(ranked, receivedWalBytes), ranked, asked: true, receivedWalBytes };
  }

  private result(outcome: MonitorOutcome, reason: string, extra: Partial<MonitorResult> = {}): MonitorResult {
    return monitorResult(this.config, outcome, reason, extra);
  }

  private evidence(decision?: RegionDecision): Pick<MonitorResult, 'quorum' | 'verification' | 'hysteresis'> {
    const { tracker, config, meterAtStart } = this;
    const m = tracker.meter;
    const verified = m.verifications - meterAtStart.verifications;
    const micros = Number(m.nanos - meterAtStart.nanos) / 1000;
    const mean = verified ? micros / verified : 0;
    const signatures = decision?.verdicts.length ?? 0;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      quorum: {
        n: tracker.n,
        f: tracker.f,
        size: tracker.quorum,
        observers: Object.fromEntries(this.deps.observerIds.map((id) => [id, config.adversaries[id] ? `adversary:${config.adversaries[id]}` : 'honest'])),
        ...(decision ? { decision } : {}),
        publicKeys: tracker.ring.publicKeys(),
        rejected: Object.fromEntries(Object.entries(tracker.counts).filter(([k, v]) => k !== 'accepted' && v > 0)),
        accepted: tracker.counts.accepted,
        isolated: tracker.isolated(),
        equivocations: tracker.proofs.slice(0, 5),
      },
      verification: {
        verdictsVerified: verified,
        totalMicros: r1(micros),
        meanMicros: r1(mean),
        decisionSignatures: signatures,
        decisionMicros: r1(signatures * mean),
        sinceLastDecision: { verified, micros: r1(micros) },
      },
      hysteresis: {
        flaps: this.detector.flaps.length,
        requiredDownMs: Math.round(this.detector.requiredDownMs(this.clock.now())),
        events: this.events.slice(-30),
      },
    };
  }
}
