/**
 * `chaos.*`: experiments with guaranteed rollback (runbooks of kind chaos; see src/chaos/).
 *
 * - `chaos.probe`: measures probes against their tolerances (steady-state hypothesis); with
 *   requireSteady it fails NOT_STEADY, so a system that is not steady before is never faulted.
 * - `chaos.inject`: records each fault's intent and undo in the fault store (and the step's
 *   arguments are in history before it starts), applies it, holds it for `duration` while
 *   heartbeating — to Temporal and to the store, whose heartbeat the reaper watches — and
 *   removes it when the time is up, when cancelled, when asked (chaos.remove, stop-all), or
 *   when an onChaos probe breaches with stopOnBreach.
 * - `chaos.remove`: removes one fault, a run's faults, or all; idempotent.
 * - `chaos.report`: the verdict (steady, deviated, aborted), every probe value over time,
 *   the breach that stopped it, and what was rolled back.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { activityContext, cancellationSignal } from './context';
import { checkInjectArgs, checkProbeArgs, faultKindOf, targetName, TARGET_KIND_OF } from '../src/chaos/checks';
import { DRIVERS as drivers, FaultError, injectFault, removeMany } from '../src/chaos/faults';
import { runProbe, type ProbeOutcome } from '../src/chaos/probes';
import { buildReport, ReportArgs } from '../src/chaos/report';
import { selectTargets } from '../src/chaos/select';
import { InjectArgs, ProbeArgs, type Probe } from '../src/chaos/spec';
import { FaultStore, type FaultRecord } from '../src/chaos/store';
import { isAllowed, notAllowedMessage } from '../src/chaos/allowlist';
import { parseDuration } from '../src/dsl/duration';

export const probe = defineAction({
  name: 'chaos.probe',
  description: 'Measures probes (http, command, process, router metric) against Chaos Toolkit tolerances; {steady, probes}; requireSteady fails NOT_STEADY.',
  args: ProbeArgs,
  defaults: { timeout: '2m', retry: { maxAttempts: 1 } },
  check: (a) => checkProbeArgs(a),
  run: async (a) => {
    badArgs(checkProbeArgs(a as Record<string, unknown>));
    const probes = await Promise.all(a.probes.map((p) => runProbe(p, cancellationSignal())));
    const result = { ...(a.phase ? { phase: a.phase } : {}), steady: probes.every((p) => p.ok), probes };
    if (a.requireSteady && !result.steady) {
      const off = probes.filter((p) => !p.ok);
      throw ApplicationFailure.create({
        type: 'NOT_STEADY',
        nonRetryable: true,
        details: [result],
        message: `not steady${a.phase ? ` (${a.phase})` : ''}: ${off.map((p) => `${p.name}: ${p.reason}`).join('; ')}`,
      });
    }
    return result;
  },
});

function badArgs(issues: { path: (string | number)[]; message: string; hint: string }[]): void {
  if (issues.length === 0) return;
  throw ApplicationFailure.nonRetryable(issues.map((i) => `${i.path.join('.')}: ${i.message} (${i.hint})`).join('; '), 'BAD_ARGUMENT');
}

function faultFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const code = error instanceof FaultError ? error.code : 'FAULT_FAILED';
  const retryable = code === 'ROUTER_ERROR';
  return ApplicationFailure.create({ type: code, message: (error as Error).message, nonRetryable: !retryable });
}

interface InjectResult {
  kind: string;
  dryRun: boolean;
  targets: string[];
  faults: Pick<FaultRecord, 'id' | 'target' | 'appliedAt' | 'removedAt' | 'removedBy' | 'removal'>[];
  ended?: 'duration' | 'cancelled' | 'removed' | 'breach';
  heldMs?: number;
  during?: ProbeOutcome[];
  breach?: ProbeOutcome;
  wouldUndo?: Record<string, unknown>[];
}

export const inject = defineAction({
  name: 'chaos.inject',
  description:
    'Injects a fault (http via the router, network tc, cpu, memory, disk, process signal) into allowlisted targets, holds it for duration (required, heartbeating), then removes it; dryRun injects nothing.',
  args: InjectArgs,
  // Never retried blindly: a second attempt after a crash rolls back and stops (FAULT_INTERRUPTED).
  defaults: { timeout: '35m', heartbeat: '20s', retry: { maxAttempts: 1 } },
  check: (a) => checkInjectArgs(a),
  run: async (a): Promise<InjectResult> => {
    badArgs(checkInjectArgs(a as Record<string, unknown>));
    const kind = faultKindOf(a.fault)!;
    const spec = (a.fault as Record<string, Record<string, unknown>>)[kind];
    const durationMs = parseDuration(a.duration);
    const ttlMs = a.ttl ? parseDuration(a.ttl) : 10_000;
    const ctx = activityContext();
    const info = ctx?.info;
    const wf = info?.workflowExecution;
    const seed = info && wf ? `${wf.workflowId}/${info.activityId}` : randomUUID();
    const targets = selectTargets(
      a.targets.from.map((t) => targetName(kind, t)),
      a.targets.select,
      seed,
    );
    for (const t of targets)
      if (!isAllowed(TARGET_KIND_OF[kind], t)) throw ApplicationFailure.nonRetryable(notAllowedMessage(TARGET_KIND_OF[kind], t), 'TARGET_NOT_ALLOWED');
    const store = new FaultStore();
    const idOf = (t: string) =>
      createHash('sha256')
        .update(`${wf?.workflowId ?? seed}\0${wf?.runId ?? ''}\0${info?.activityId ?? ''}\0${t}`)
        .digest('hex')
        .slice(0, 24);

    if (a.dryRun) {
      // Everything but the change: the targets are looked up (prepare reads only).
      const wouldUndo = [];
      for (const t of targets)
        wouldUndo.push(
          await drivers[kind].prepare(t, spec, idOf(t)).catch((e) => {
            throw faultFailure(e);
          }),
        );
      return { kind, dryRun: true, targets, faults: [], wouldUndo };
    }
    if (info && info.attempt > 1) {
      // The attempt before died holding the fault (worker crash): take it back and stop.
      const earlier = targets.map(idOf).filter((id) => store.read(id));
      const out = await removeMany(store, earlier, { by: 'owner', reason: 'the previous attempt of this step was interrupted' });
      throw ApplicationFailure.create({
        type: 'FAULT_INTERRUPTED',
        nonRetryable: true,
        details: [{ removed: out.removed.map(summary), failed: out.failed }],
        message: `the previous attempt was interrupted while holding the fault; it was rolled back (${out.removed.map((r) => r.removedBy).join(', ') || 'nothing left'}) and is not injected again`,
      });
    }

    const owner = info && wf ? { workflowId: wf.workflowId, runId: wf.runId, activityId: info.activityId, attempt: info.attempt } : {};
    const injected: FaultRecord[] = [];
    try {
      for (const t of targets) injected.push(await injectFault(store, { id: idOf(t), kind, target: t, spec, durationMs, ttlMs, owner }));
    } catch (error) {
      await removeMany(
        store,
        injected.map((r) => r.id),
        { by: 'owner', reason: 'another target failed to inject' },
      );
      throw faultFailure(error);
    }
    const started = Date.now();
    const held = await hold(
      store,
      injected.map((r) => r.id),
      durationMs,
      ttlMs,
      a.probes,
      a.probeInterval ? parseDuration(a.probeInterval) : 1_000,
      a.stopOnBreach === true,
    );
    const removal = await removeMany(
      store,
      injected.map((r) => r.id),
      { by: held.by, reason: held.reason },
    );
    const result: InjectResult = {
      kind,
      dryRun: false,
      targets,
      faults: injected.map((r) => summary(store.read(r.id) ?? r)),
      ended: held.ended,
      heldMs: Date.now() - started,
      ...(held.during.length ? { during: held.during } : {}),
      ...(held.breach ? { breach: held.breach } : {}),
    };
    if (removal.failed.length)
      throw ApplicationFailure.create({
        type: 'REMOVE_FAILED',
        nonRetryable: true,
        message: `could not remove: ${removal.failed.map((f) => f.error).join('; ')}`,
        details: [result],
      });
    if (held.ended === 'cancelled') throw new CancelledFailure('chaos.inject cancelled; the fault was removed');
    if (held.breach) {
      throw ApplicationFailure.create({
        type: 'STOP_CONDITION',
        nonRetryable: true,
        details: [result],
        message: `stop condition breached: ${held.breach.name} = ${JSON.stringify(held.breach.value)} (${held.breach.reason}); the fault was removed`,
      });
    }
    return result;
  },
});

function summary(r: FaultRecord): InjectResult['faults'][number] {
  return {
    id: r.id,
    target: r.target,
    ...(r.appliedAt ? { appliedAt: r.appliedAt } : {}),
    ...(r.removedAt ? { removedAt: r.removedAt } : {}),
    ...(r.removedBy ? { removedBy: r.removedBy } : {}),
    ...(r.removal ? { removal: r.removal } : {}),
  };
}

/** onChaos probe values kept in the step's result. */
const MAX_DURING = 120;

interface Held {
  ended: NonNullable<InjectResult['ended']>;
  by: string;
  reason: string;
  during: ProbeOutcome[];
  breach?: ProbeOutcome;
}

/** Holds the faults: beats, watches for removal, cancellation and breaches, until the duration is up. */
async function hold(
  store: FaultStore,
  ids: string[],
  durationMs: number,
  ttlMs: number,
  probes: Probe[] | undefined,
  probeEveryMs: number,
  stopOnBreach: boolean,
): Promise<Held> {
  const ctx = activityContext();
  const signal = cancellationSignal();
  const tickMs = Math.max(20, Math.min(250, Math.floor(ttlMs / 4)));
  const end = Date.now() + durationMs;
  const during: ProbeOutcome[] = [];
  let nextProbe = Date.now();
  let probing: Promise<void> | undefined;
  let breach: ProbeOutcome | undefined;
  // A breach wakes the loop at once rather than at the next tick: it is the one thing that must not wait.
  let wake: () => void = () => undefined;
  for (;;) {
    if (signal?.aborted) return { ended: 'cancelled', by: 'owner', reason: 'the step was cancelled', during };
    if (breach) return { ended: 'breach', by: 'owner', reason: `stop condition ${breach.name} breached`, during, breach };
    for (const id of ids) {
      const r = await store.beat(id);
      if (!r || r.state === 'removed' || r.state === 'failed') return { ended: 'removed', by: r?.removedBy ?? 'unknown', reason: 'removed while held', during };
      if (r.removeRequested) return { ended: 'removed', by: r.removeRequested.by, reason: r.removeRequested.reason, during };
    }
    ctx?.heartbeat({ faults: ids, heldMs: durationMs - (end - Date.now()) });
    if (Date.now() >= end) return { ended: 'duration', by: 'owner', reason: 'its duration ended', during };
    if (probes && !probing && Date.now() >= nextProbe) {
      nextProbe = Date.now() + probeEveryMs;
      probing = Promise.all(probes.map((p) => runProbe(p, signal)))
        .then((outs) => {
          during.push(...outs);
          // History is not a time-series store: a long hold keeps its latest values (the report says so).
          if (during.length > MAX_DURING) during.splice(0, during.length - MAX_DURING);
          if (stopOnBreach) breach ??= outs.find((o) => !o.ok);
          if (breach) wake();
        })
        .finally(() => {
          probing = undefined;
        });
    }
    await new Promise<void>((r) => {
      const timer = setTimeout(r, Math.min(tickMs, Math.max(1, end - Date.now())));
      wake = () => {
        clearTimeout(timer);
        r();
      };
    });
  }
}

export const remove = defineAction({
  name: 'chaos.remove',
  description: 'Removes faults from the fault store: one (faultId), every fault of a run (run: a workflow id), or all; idempotent.',
  args: Type.Object(
    {
      faultId: Type.Optional(Type.String({ minLength: 1 })),
      run: Type.Optional(Type.String({ minLength: 1, description: 'Every fault injected by this run (workflow id), e.g. "{% $run.id %}"' })),
      all: Type.Optional(Type.Boolean()),
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 20, initialInterval: '200ms', backoff: 2, maxInterval: '5s' } },
  run: async (a) => {
    const store = new FaultStore();
    const chosen = store.list().filter((r) => a.all || r.id === a.faultId || (a.run !== undefined && r.owner.workflowId === a.run));
    const live = chosen.filter((r) => r.state === 'active' || r.state === 'pending');
    const by = activityContext()?.info.workflowExecution?.workflowId ?? 'chaos.remove';
    const out = await removeMany(
      store,
      live.map((r) => r.id),
      { by, reason: a.reason ?? 'rollback' },
    );
    const result = { removed: out.removed.map(summary), alreadyRemoved: chosen.filter((r) => !live.includes(r)).map(summary), failed: out.failed };
    // Retryable: the fault is still there, and trying again is exactly right.
    if (out.failed.length)
      throw ApplicationFailure.create({ type: 'REMOVE_FAILED', nonRetryable: false, message: out.failed.map((f) => f.error).join('; '), details: [result] });
    return result;
  },
});

export const report = defineAction({
  name: 'chaos.report',
  description: 'The experiment report: verdict steady, deviated or aborted; probe values over time; the breach that stopped it; what was rolled back.',
  args: ReportArgs,
  defaults: { timeout: '30s', retry: { maxAttempts: 3 } },
  run: async (a) => buildReport(a, new FaultStore()),
});
