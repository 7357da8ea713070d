/**
 * The irreversible half of the fast path: fence → promote → switch, each step preceded by
 * an fsynced intent, and every step idempotent, so a monitor that restarts after a crash
 * finishes the same failover instead of starting another:
 *
 * 1. fence the router (no new request reaches the failed region) and, at the same time, the
 *    failed database if it answers within a short bound (a killed or hung node cannot take
 *    writes anyway; a reachable one must be made read-only before anything is promoted,
 *    and if it does not answer in time the fence goes on in the background and is awaited
 *    before returning);
 * 2. promote the target — unless its role says it is already the primary (promoted by the
 *    attempt that crashed), which the adapter also checks;
 * 3. point the router at the target.
 */
import type { FailoverPorts } from './ports';
import type { FailoverIntent, IntentStore } from './intent';
import { GenieError } from '../errors/genie-error';

export interface ExecuteOptions {
  /** Which run this failover belongs to (the workflow id). */
  key: string;
  from: string;
  to: string;
  epoch: number;
  forced: boolean;
  /** Milestones measured before acting (failure seen, quorum, decision). */
  timings: Record<string, number>;
  evidence?: Record<string, unknown>;
  /** How long the database fence may hold up the promotion (default 150 ms). */
  fenceWaitMs?: number;
  /**
   * Since when a status probe of the old primary, still unanswered, has been waiting (the
   * monitor sends one when the quorum first suspects it). That silence is the same evidence
   * the fence wait collects, gathered during the hold instead of after it, so the wait is
   * shortened by it.
   */
  silentSince?: number;
  /** Bound on the whole database fence (default 3 s). */
  fenceTimeoutMs?: number;
  /** Progress for heartbeats. */
  onPhase?: (intent: FailoverIntent) => void;
}

export interface StepOutcome {
  ok: boolean;
  tookMs: number;
  result?: unknown;
  error?: string;
}

export interface ExecuteResult {
  intent: FailoverIntent;
  resumed: boolean;
  steps: { fenceRouter?: StepOutcome; fenceNode?: StepOutcome; promote?: StepOutcome; switchRouter?: StepOutcome; repoint?: Record<string, StepOutcome> };
}

async function timed(work: () => Promise<unknown>): Promise<StepOutcome> {
  const started = performance.now();
  try {
    const result = await work();
    return { ok: true, tookMs: round(performance.now() - started), result };
  } catch (error) {
    return { ok: false, tookMs: round(performance.now() - started), error: (error as Error)?.message ?? String(error) };
  }
}
const round = (ms: number) => Math.round(ms * 10) / 10;

export class FailoverStepError extends GenieError {
  constructor(
    readonly code: 'PROMOTE_FAILED' | 'ROUTER_FAILED' | 'FENCE_FAILED',
    message: string,
    readonly partial: ExecuteResult,
  ) {
    super(message);
  }
}

export async function executeFailover(ports: FailoverPorts, store: IntentStore, options: ExecuteOptions): Promise<ExecuteResult> {
  const existing = store.read();
  const resumed = existing !== undefined && existing.phase !== 'done' && existing.from === options.from && existing.to === options.to;
  const intent: FailoverIntent = resumed
    ? { ...existing!, timings: { ...existing!.timings, resumedAt: Date.now() } }
    : {
        key: options.key,
        epoch: options.epoch,
        from: options.from,
        to: options.to,
        phase: 'fencing',
        forced: options.forced,
        startedAt: Date.now(),
        timings: { ...options.timings },
        ...(options.evidence ? { evidence: options.evidence } : {}),
      };
  const result: ExecuteResult = { intent, resumed, steps: {} };
  const phase = (p: FailoverIntent['phase'], mark: string) => {
    intent.phase = p;
    intent.timings[mark] = Date.now();
    store.write(intent);
    options.onPhase?.(intent);
  };
  phase(intent.phase === 'fencing' ? 'fencing' : intent.phase, resumed ? 'resumeWrittenAt' : 'intentWrittenAt');

  // 1. Fence. Repeated on resume: both fences are idempotent, and the router may have been reset meanwhile.
  // The router and the database are fenced at once: the promotion waits for the database fence (what
  // keeps two nodes from taking writes), the switch for both, so the router's round trip is off the path.
  const routerFence = timed(() => ports.fenceRouter(options.from, options.to)).then((outcome) => {
    result.steps.fenceRouter = outcome;
    intent.timings.routerFencedAt = Date.now();
    return outcome;
  });
  const silentForMs = options.silentSince === undefined ? 0 : Date.now() - options.silentSince;
  const wait = Math.max(0, (options.fenceWaitMs ?? 150) - silentForMs);
  intent.timings.fenceWaitMs = wait;
  const nodeFence = timed(() => ports.fenceNode(options.from, options.fenceTimeoutMs ?? 3_000));
  // Asked at the same time: does the old primary answer at all? (A dead or hung one cannot take writes.)
  const answering = wait > 0 ? ports.status(options.from, wait).catch(() => undefined) : Promise.resolve(undefined);
  const early = wait > 0 ? await Promise.race([nodeFence, new Promise<undefined>((r) => setTimeout(() => r(undefined), wait).unref())]) : undefined;
  if (early) {
    result.steps.fenceNode = early;
    intent.timings.nodeFencedAt = Date.now();
  } else {
    // Not fenced yet: one that answers and is still writable must be fenced before anything is promoted.
    const role = await answering;
    if (role?.reachable && role.writable) {
      result.steps.fenceNode = await nodeFence;
      intent.timings.nodeFencedAt = Date.now();
    }
  }
  if (result.steps.fenceNode && !result.steps.fenceNode.ok) {
    const role = await ports.status(options.from, 500).catch(() => undefined);
    if (role?.reachable && role.writable) {
      await routerFence;
      throw new FailoverStepError(
        'FENCE_FAILED',
        `${options.from} still accepts writes and could not be fenced (${result.steps.fenceNode.error}); not promoting ${options.to}`,
        result,
      );
    }
  }

  // 2. Promote: the adapter answers alreadyPrimary for a node an earlier attempt promoted.
  phase('promoting', 'promoteStartedAt');
  if (resumed) {
    // Roles first: what the node says outranks what the intent says.
    const role = await ports.status(options.to, 1_000).catch(() => undefined);
    if (role?.role === 'primary' && role.writable)
      result.steps.promote = { ok: true, tookMs: 0, result: { alreadyPrimary: true, promoted: false, by: 'role check on resume' } };
  }
  result.steps.promote ??= await timed(() => ports.promote(options.to));
  if (!result.steps.promote.ok) {
    await routerFence;
    result.steps.fenceNode ??= await nodeFence;
    throw new FailoverStepError('PROMOTE_FAILED', `promoting ${options.to} failed: ${result.steps.promote.error}`, result);
  }
  intent.timings.promotedAt = Date.now();

  // 3. Traffic to the new primary (after the router fence: its weights must not land last).
  await routerFence;
  phase('switching', 'switchStartedAt');
  result.steps.switchRouter = await timed(() => ports.switchRouter(options.to));
  if (!result.steps.switchRouter.ok) {
    result.steps.fenceNode ??= await nodeFence;
    throw new FailoverStepError('ROUTER_FAILED', `switching the router to ${options.to} failed: ${result.steps.switchRouter.error}`, result);
  }
  intent.timings.switchedAt = Date.now();
  const others = (ports.regions?.() ?? []).filter((r) => r !== options.from && r !== options.to);
  if (ports.repoint && others.length) {
    const repoint = ports.repoint.bind(ports);
    const outcomes = await Promise.all(others.map((r) => timed(() => repoint(r, options.to))));
    result.steps.repoint = Object.fromEntries(others.map((r, i) => [r, outcomes[i]]));
    intent.timings.repointedAt = Date.now();
  }
  if (!result.steps.fenceNode) {
    result.steps.fenceNode = await nodeFence;
    intent.timings.nodeFencedAt = Date.now();
  }
  phase('done', 'doneAt');
  return result;
}
