/**
 * `failover.*`: the fast path of region failover (docs/architecture.md "Fast paths").
 *
 * - `failover.monitor`: a long-lived, heartbeating activity that runs the observers, the
 *   quorum, hysteresis, the RPO gate, and — on a confirmed failure — fences, promotes and
 *   switches traffic itself, then returns its evidence (signed verdicts, equivocation
 *   proofs, rejection counts, verification cost, timings) for the workflow to record.
 *   It returns `quiet` after each watch window so history grows by one small event per
 *   window; the runbook loops.
 * - `failover.execute`: the same fence → promote → switch for a decision a human made
 *   (an approved forceFailover, or a failback), with the RPO gate unless forced.
 *
 * Overrides: the monitor reads its own workflow's `state` query (the override log) through
 * the worker's client every 250 ms and again at the moment it would act — holdFailover
 * stops it from acting, forceFailover makes it return so the workflow can collect the
 * approvals. Querying (rather than being cancelled and restarted by the workflow) keeps the
 * watch running without a gap, and costs no history events.
 *
 * Crash safety: before each irreversible step an intent file (GENIE_FAILOVER_STATE_DIR, default
 * <state dir>/failover) is fsynced; a retried attempt finishes that failover after checking the
 * nodes' roles, never promoting twice. Where the regions are: the regions file (GENIE_REGIONS
 * or `regionsFile`); the router: GENIE_ROUTER_ADMIN_URL and GENIE_ROUTER_TOKEN, as for traffic.*.
 */
import * as path from 'node:path';
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { activityContext, cancellationSignal } from './context';
import { admin } from './traffic';
import { parseDuration } from '../src/dsl/duration';
import { Duration } from '../src/dsl/types';
import { PostgresAdapter, ReplicationError, RegionsFileError, findRegion, lsnToBigInt, regionsFromEnv, resolveNode, type RegionsFile } from '../src/failover';
import { stateDir } from '../src/paths';
import {
  ADVERSARY_KINDS,
  DEFAULT_HYSTERESIS,
  FailoverStepError,
  IntentStore,
  MONITOR_DEFAULTS,
  executeFailover,
  rpoGate,
  runMonitor,
  type AdversaryKind,
  type FailoverPorts,
  type MonitorConfig,
  type OverrideView,
  type RegionRole,
} from '../src/quorum';
import { stateQuery, type OverrideRecord } from '../workflows/api';

const adapter = new PostgresAdapter();

const ms = (text: string | undefined, fallback: number, what: string): number => {
  if (text === undefined) return fallback;
  try {
    return parseDuration(text);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`${what}: ${(error as Error).message}`, 'BAD_ARGUMENT');
  }
};

/** The regions file, or a non-retryable failure naming what is wrong with it. */
export function regions(file: string | undefined): RegionsFile {
  try {
    return regionsFromEnv(file);
  } catch (error) {
    if (error instanceof RegionsFileError) throw ApplicationFailure.nonRetryable(error.message, error.code);
    throw error;
  }
}

/** The fast path's ports onto PostgreSQL (src/failover) and the traffic router. */
export function failoverPorts(file: RegionsFile, routerAdminUrl?: string): FailoverPorts {
  const route = file.route ?? 'app';
  const node = async (region: string) => resolveNode(findRegion(file, region).postgres);
  const pool = (region: string) => findRegion(file, region).pool;
  const allTo = (to: string) => Object.fromEntries(file.regions.map((r) => [r.pool, r.name === to ? 100 : 0]));
  const setWeights = (to: string, shutdownSessions = false) =>
    admin({ timeout: '2s', ...(routerAdminUrl ? { adminUrl: routerAdminUrl } : {}) }, 'PUT', `/routes/${encodeURIComponent(route)}/weights`, {
      weights: allTo(to),
      ...(shutdownSessions ? { shutdownSessions } : {}),
    });
  return {
    status: async (region, timeoutMs): Promise<RegionRole> => {
      const s = await adapter.status(await node(region), timeoutMs);
      return {
        region,
        reachable: s.reachable,
        role: s.role,
        writable: s.writable,
        ...(s.error ? { error: s.error } : {}),
        ...(s.role === 'standby' && s.lagBytes !== undefined ? { lagBytes: s.lagBytes, lagSeconds: s.lagSeconds ?? 0 } : {}),
        ...(s.role === 'standby' && s.receivedLsn ? { receivedWalBytes: Number(lsnToBigInt(s.receivedLsn)) } : {}),
        ...(s.replicas ? { replicas: s.replicas.map((r) => ({ name: r.name, lagBytes: r.lagBytes, lagSeconds: r.lagSeconds, syncState: r.syncState })) } : {}),
      };
    },
    // The router's weights sum to 100: the failed region's share goes to the target at once. Until the
    // promotion, writes there fail fast (a standby refuses them) instead of waiting on a dead region;
    // the requests already waiting on the failed region end now (503, outcome unknown) rather than
    // at the route's timeout — a hung primary would otherwise hold each of them that long.
    fenceRouter: async (from, to) => {
      if (pool(from) === pool(to)) throw new Error(`regions ${from} and ${to} share router pool ${pool(from)}`);
      return setWeights(to, true);
    },
    fenceNode: async (from, timeoutMs) => adapter.fence(await node(from), { mode: 'readOnly', killUnreachable: true, timeoutMs }),
    promote: async (to) => ({ ...(await adapter.promote(await node(to), { timeoutMs: 30_000 })) }),
    switchRouter: async (to) => setWeights(to),
    repoint: async (standby, primary) => adapter.rejoin(await node(standby), await node(primary), { method: 'auto', timeoutMs: 30_000 }),
    regions: () => file.regions.map((r) => r.name),
  };
}

/** holdFailover / releaseHold / forceFailover as the workflow's override log shows them. */
export function overrideView(log: OverrideRecord[]): OverrideView {
  let hold: OverrideView['hold'] = null;
  const forces: OverrideView['forces'] = [];
  for (const o of log) {
    if (!o.accepted) continue;
    if (o.action === 'holdFailover') hold = { by: o.by, ...(o.reason ? { reason: o.reason } : {}) };
    if (o.action === 'releaseHold') hold = null;
    if (o.action === 'forceFailover') forces.push({ by: o.by, at: o.at, ...(o.reason ? { reason: o.reason } : {}), ...(o.target ? { target: o.target } : {}) });
  }
  return { hold, forces };
}

function temporalOverrides(): (() => Promise<OverrideView | undefined>) | undefined {
  const context = activityContext();
  const workflowId = context?.info.workflowExecution?.workflowId;
  if (!context || !workflowId) return undefined;
  const handle = context.client.workflow.getHandle(workflowId);
  return async () => overrideView((await handle.query(stateQuery)).overrides);
}

function intentStore(key: string, dir: string | undefined): IntentStore {
  return IntentStore.forKey(path.resolve(dir ?? process.env.GENIE_FAILOVER_STATE_DIR ?? path.join(stateDir(), 'failover')), key);
}

function runKey(): string {
  const info = activityContext()?.info;
  return info?.workflowExecution ? `${info.workflowExecution.workflowId}` : `local-${process.pid}`;
}

const Common = {
  regionsFile: Type.Optional(Type.String({ minLength: 1, description: 'The regions file (default $GENIE_REGIONS)' })),
  routerAdminUrl: Type.Optional(Type.String({ minLength: 1, description: 'Router admin API (default $GENIE_ROUTER_ADMIN_URL)' })),
  stateDir: Type.Optional(Type.String({ minLength: 1, description: 'Where intent files live (default $GENIE_FAILOVER_STATE_DIR or <state dir>/failover)' })),
  epoch: Type.Optional(Type.Integer({ minimum: 0, description: 'The topology epoch now (grows by one per failover; default 0)' })),
  rpoBudget: Type.Optional(Duration),
  rpoBudgetBytes: Type.Optional(
    Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Also refuse above this many bytes of lag (default: no byte budget)' }),
  ),
};

// The previous window's replication memory, as the workflow passes it back (bounded: one sample per region).
const LastReplication = Type.Object(
  {
    primary: Type.String({ minLength: 1 }),
    epoch: Type.Integer({ minimum: 0 }),
    samples: Type.Record(
      Type.String({ minLength: 1, maxLength: 100 }),
      Type.Object(
        {
          at: Type.Number({ minimum: 0 }),
          lagSeconds: Type.Number({ minimum: 0 }),
          lagBytes: Type.Number({ minimum: 0 }),
          syncState: Type.Optional(Type.String({ maxLength: 32 })),
        },
        { additionalProperties: false },
      ),
      { maxProperties: 64 },
    ),
  },
  { additionalProperties: false, description: "The previous window's output.replication: the failed primary's last lag reports carry over" },
);

/** The worker variable that lets a run use the monitor's test instruments (tests and the demo only). */
export const TEST_HOOKS_VARIABLE = 'GENIE_FAILOVER_TEST_HOOKS';

/**
 * Lying observers (`adversaries`) and redirected probes (`observerUrls`) exist to test the
 * quorum. Taken from a run's arguments on a real deployment they would let whoever may start a
 * run fake the primary's death and get an automatic failover no one approved, so only a worker
 * started for tests or the demo honours them.
 */
function refuseTestHooks(a: { adversaries?: object; observerUrls?: object }, env: NodeJS.ProcessEnv = process.env): void {
  const used = (['adversaries', 'observerUrls'] as const).filter((k) => a[k] && Object.keys(a[k]!).length > 0);
  if (used.length === 0 || env[TEST_HOOKS_VARIABLE] === '1') return;
  throw ApplicationFailure.nonRetryable(
    `${used.join(' and ')} make observers lie or probe other URLs: test instruments, refused on this worker (a run that sets them could fake the primary's death). ` +
      `Remove them from the step; a worker for tests or the demo enables them with ${TEST_HOOKS_VARIABLE}=1.`,
    'TEST_HOOKS_DISABLED',
  );
}

export const monitor = defineAction({
  name: 'failover.monitor',
  description:
    'Watches the primary with n >= 3f+1 signing observers; on a quorum-confirmed failure within the RPO budget fences, promotes and switches traffic; returns the evidence.',
  args: Type.Object(
    {
      ...Common,
      primary: Type.String({ minLength: 1, description: 'The region that is primary now' }),
      observers: Type.Optional(Type.Integer({ minimum: 4, maximum: 31, description: 'Observers (default 4: tolerates f = 1)' })),
      adversaries: Type.Optional(
        Type.Record(Type.String({ pattern: '^o[0-9]+$' }), Type.Union(ADVERSARY_KINDS.map((k) => Type.Literal(k))), {
          description: `Tests only, on a worker with ${TEST_HOOKS_VARIABLE}=1: make observers lie (o1: always-down | equivocating | replaying | forging)`,
        }),
      ),
      observerUrls: Type.Optional(
        Type.Record(Type.String(), Type.Record(Type.String(), Type.String()), {
          description: `Tests only, on a worker with ${TEST_HOOKS_VARIABLE}=1: per observer, health URLs replacing a region's (partition one observer through a router fault)`,
        }),
      ),
      probeTimeout: Type.Optional(Duration),
      period: Type.Optional(
        Type.Object({ min: Duration, max: Duration }, { additionalProperties: false, description: 'Probe period bounds (default 25ms–50ms)' }),
      ),
      freshness: Type.Optional(Duration),
      confirmDown: Type.Optional(Duration),
      maxConfirmDown: Type.Optional(Duration),
      flapHalfLife: Type.Optional(Duration),
      minHealthy: Type.Optional(Duration),
      escalateAfter: Type.Optional(Duration),
      window: Type.Optional(Duration),
      lastReplication: Type.Optional(Type.Union([LastReplication, Type.Null()])),
    },
    { additionalProperties: false },
  ),
  // Each attempt is one watch window (at most the timeout minus 5 s); after a worker crash the next attempt finishes any failover in progress.
  defaults: { timeout: '20s', heartbeat: '3s', retry: { maxAttempts: 20, initialInterval: '200ms', backoff: 1.5, maxInterval: '2s' } },
  run: async (a) => {
    refuseTestHooks(a);
    const file = regions(a.regionsFile);
    if (!file.regions.some((r) => r.name === a.primary))
      throw ApplicationFailure.nonRetryable(
        `primary ${a.primary} is not in the regions file (regions: ${file.regions.map((r) => r.name).join(', ')})`,
        'BAD_ARGUMENT',
      );
    const missingApp = file.regions.filter((r) => !r.appUrl).map((r) => r.name);
    if (missingApp.length)
      throw ApplicationFailure.nonRetryable(
        `regions ${missingApp.join(', ')} have no appUrl in the regions file: observers probe <appUrl>/health`,
        'BAD_ARGUMENT',
      );
    const observers = a.observers ?? MONITOR_DEFAULTS.observers;
    for (const id of Object.keys(a.adversaries ?? {}))
      if (Number(id.slice(1)) < 1 || Number(id.slice(1)) > observers)
        throw ApplicationFailure.nonRetryable(`adversaries: ${id} is not one of o1..o${observers}`, 'BAD_ARGUMENT');
    const startToClose = activityContext()?.info.startToCloseTimeoutMs;
    const window = Math.min(ms(a.window, MONITOR_DEFAULTS.windowMs, 'window'), startToClose ? Math.max(1_000, startToClose - 5_000) : Number.MAX_SAFE_INTEGER);
    const config: MonitorConfig = {
      regions: Object.fromEntries(file.regions.map((r) => [r.name, { health: `${r.appUrl!.replace(/\/+$/, '')}/health` }])),
      primary: a.primary,
      epoch: a.epoch ?? 0,
      observers,
      adversaries: (a.adversaries ?? {}) as Record<string, AdversaryKind>,
      observerUrls: a.observerUrls ?? {},
      probeTimeoutMs: ms(a.probeTimeout, MONITOR_DEFAULTS.probeTimeoutMs, 'probeTimeout'),
      minPeriodMs: ms(a.period?.min, MONITOR_DEFAULTS.minPeriodMs, 'period.min'),
      maxPeriodMs: ms(a.period?.max, MONITOR_DEFAULTS.maxPeriodMs, 'period.max'),
      freshnessMs: ms(a.freshness, MONITOR_DEFAULTS.freshnessMs, 'freshness'),
      hysteresis: {
        confirmDownMs: ms(a.confirmDown, DEFAULT_HYSTERESIS.confirmDownMs, 'confirmDown'),
        maxConfirmDownMs: ms(a.maxConfirmDown, DEFAULT_HYSTERESIS.maxConfirmDownMs, 'maxConfirmDown'),
        flapHalfLifeMs: ms(a.flapHalfLife, DEFAULT_HYSTERESIS.flapHalfLifeMs, 'flapHalfLife'),
        minHealthyMs: ms(a.minHealthy, DEFAULT_HYSTERESIS.minHealthyMs, 'minHealthy'),
        escalateAfterMs: ms(a.escalateAfter, DEFAULT_HYSTERESIS.escalateAfterMs, 'escalateAfter'),
      },
      rpoBudgetMs: ms(a.rpoBudget, MONITOR_DEFAULTS.rpoBudgetMs, 'rpoBudget'),
      rpoBudgetBytes: a.rpoBudgetBytes ?? null,
      statusEveryMs: MONITOR_DEFAULTS.statusEveryMs,
      windowMs: window,
      noTargetEscalateMs: MONITOR_DEFAULTS.noTargetEscalateMs,
      ...(a.lastReplication ? { lastReplication: a.lastReplication } : {}),
    };
    if (config.minPeriodMs > config.maxPeriodMs) throw ApplicationFailure.nonRetryable('period.min must not exceed period.max', 'BAD_ARGUMENT');
    const context = activityContext();
    const overrides = temporalOverrides();
    try {
      return await runMonitor(config, {
        ports: failoverPorts(file, a.routerAdminUrl),
        store: intentStore(runKey(), a.stateDir),
        key: runKey(),
        ...(cancellationSignal() ? { signal: cancellationSignal()! } : {}),
        ...(context ? { heartbeat: (d: unknown) => context.heartbeat(d) } : {}),
        ...(overrides ? { overrides } : {}),
      });
    } catch (error) {
      throw failure(error);
    }
  },
});

export const execute = defineAction({
  name: 'failover.execute',
  description:
    'Fails over from one region to another now (an approved forceFailover, or a failback): RPO gate unless forced, fence, promote, switch traffic; idempotent.',
  args: Type.Object(
    {
      ...Common,
      from: Type.String({ minLength: 1, description: 'The current primary' }),
      to: Type.String({ minLength: 1, description: 'The standby to promote' }),
      force: Type.Optional(Type.Boolean({ description: 'Promote even beyond the RPO budget (only after an approved forceFailover)' })),
      by: Type.Optional(Type.String({ description: 'Who decided (recorded with the evidence)' })),
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '2m', retry: { maxAttempts: 5, initialInterval: '500ms' } },
  run: async (a) => {
    const file = regions(a.regionsFile);
    for (const r of [a.from, a.to]) findRegionOrFail(file, r);
    if (a.from === a.to) throw ApplicationFailure.nonRetryable(`from and to are both ${a.from}`, 'BAD_ARGUMENT');
    const ports = failoverPorts(file, a.routerAdminUrl);
    const key = `${runKey()}-execute-${a.from}-${a.to}-${a.epoch ?? 0}`;
    const store = intentStore(key, a.stateDir);
    const resumed = store.read();
    const now = Date.now();
    const status = resumed ? undefined : await ports.status(a.from, 1_500).catch(() => undefined);
    const replica = status?.replicas?.find((r) => r.name === a.to);
    const gate = rpoGate({
      target: a.to,
      budgetMs: ms(a.rpoBudget, MONITOR_DEFAULTS.rpoBudgetMs, 'rpoBudget'),
      budgetBytes: a.rpoBudgetBytes ?? null,
      ...(replica
        ? { sample: { at: now, lagBytes: replica.lagBytes, lagSeconds: replica.lagSeconds, ...(replica.syncState ? { syncState: replica.syncState } : {}) } }
        : {}),
      observedLagBytes: null,
      now,
      ...(a.force ? { forcedBy: a.by ?? 'forceFailover' } : {}),
    });
    if (!resumed && !gate.allowed) throw ApplicationFailure.nonRetryable(gate.reason, 'RPO_GATE', { rpo: gate });
    try {
      const exec = await executeFailover(ports, store, {
        key,
        from: a.from,
        to: a.to,
        epoch: (a.epoch ?? 0) + 1,
        forced: a.force ?? false,
        timings: { decidedAt: now },
        evidence: { rpo: gate, by: a.by, reason: a.reason },
        fenceWaitMs: 3_000,
        onPhase: (i) => activityContext()?.heartbeat({ phase: i.phase }),
      });
      const t = exec.intent.timings;
      return {
        outcome: 'failed-over',
        primary: a.to,
        previousPrimary: a.from,
        epoch: exec.intent.epoch,
        forced: a.force ?? false,
        resumed: exec.resumed,
        rpo: gate,
        by: a.by ?? null,
        reason: a.reason ?? null,
        timings: t,
        switchMs: (t.switchedAt ?? now) - now,
        steps: exec.steps,
      };
    } catch (error) {
      throw failure(error);
    }
  },
});

function findRegionOrFail(file: RegionsFile, name: string): void {
  try {
    findRegion(file, name);
  } catch (error) {
    throw ApplicationFailure.nonRetryable((error as Error).message, 'BAD_ARGUMENT');
  }
}

/** A failed step of a failover is retried (the next attempt resumes from the intent); a refusal is not. */
function failure(error: unknown): unknown {
  if (error instanceof FailoverStepError)
    return ApplicationFailure.retryable(error.message, error.code, { steps: error.partial.steps, intent: error.partial.intent });
  if (error instanceof ReplicationError)
    return error.retryable ? ApplicationFailure.retryable(error.message, error.code) : ApplicationFailure.nonRetryable(error.message, error.code);
  return error;
}
