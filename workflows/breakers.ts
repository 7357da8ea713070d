/**
 * The `breakers` entity workflow: holds the operators' circuit-breaker overrides
 * (name → forced state, by, reason, at) for every worker of a deployment. Requests arrive as
 * updates (a refusal goes back to the caller) or signals (a refusal is kept in `recent`);
 * workers read the `overrides` query. It never finishes: it continues as new, carrying the
 * overrides, before its history grows large. Deterministic: time is workflow time.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  CARRIED_NONCES,
  RECENT_CHANGES,
  forceBreakerSignal,
  forceBreakerUpdate,
  overridesQuery,
  resetBreakerSignal,
  resetBreakerUpdate,
  type BreakerAck,
  type BreakerChange,
  type BreakerOverridesView,
  type BreakersInput,
  type ForceBreakerArgs,
  type ResetBreakerArgs,
} from './breakers-api';
import { forceProblem, resetProblem } from './breakers-checks';
import { OverrideGate } from './authorize';

const DEFAULT_CONTINUE_AS_NEW_EVENTS = 2000;

export async function breakers(input: BreakersInput = {}): Promise<void> {
  const view: BreakerOverridesView = { ...(input.carried ?? { version: 0, overrides: {}, recent: [] }), chain: workflowInfo().firstExecutionRunId };
  const limit = Math.max(20, input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_EVENTS);

  const log = (change: Omit<BreakerChange, 'at'>): void => {
    view.recent.push({ ...change, at: new Date().toISOString() });
    if (view.recent.length > RECENT_CHANGES) view.recent.splice(0, view.recent.length - RECENT_CHANGES);
  };

  const force = (args: ForceBreakerArgs, via: 'update' | 'signal'): BreakerAck => {
    const before = view.overrides[args.name];
    log({ action: 'force', name: args.name, state: args.state, by: args.by, reason: args.reason, via, accepted: true });
    if (before && before.state === args.state && before.by === args.by && before.reason === args.reason) {
      return { accepted: true, changed: false, version: view.version, message: `${args.name} is already forced ${args.state} by ${args.by}` };
    }
    view.overrides[args.name] = { state: args.state, by: args.by, reason: args.reason, at: new Date().toISOString() };
    view.version++;
    return {
      accepted: true,
      changed: true,
      version: view.version,
      message: `${args.name} forced ${args.state} on every worker${before ? ` (was forced ${before.state} by ${before.by})` : ''}`,
    };
  };

  const reset = (args: ResetBreakerArgs, via: 'update' | 'signal'): BreakerAck => {
    const before = view.overrides[args.name];
    log({ action: 'reset', name: args.name, by: args.by, ...(args.reason ? { reason: args.reason } : {}), via, accepted: true });
    if (!before)
      return { accepted: true, changed: false, version: view.version, message: `${args.name} has no override; its breaker already runs automatically` };
    delete view.overrides[args.name];
    view.version++;
    return { accepted: true, changed: true, version: view.version, message: `${args.name} back to automatic (was forced ${before.state} by ${before.by})` };
  };

  const refuse = (problem: string | undefined): void => {
    if (problem) throw new Error(problem);
  };
  // Forcing and resetting are both the access policy's `breaker.force` on target {kind: breaker, name}.
  const before = new Set(input.acceptedNonces ?? []);
  const gate = new OverrideGate((nonce) => before.has(nonce));
  const target = (args: { name?: unknown }) => () => ({ kind: 'breaker', name: String(args?.name ?? '') });
  const refused = (action: 'force' | 'reset', args: { name?: unknown; by?: unknown }, via: 'update' | 'signal') => (why: string) =>
    log({ action, name: String(args?.name ?? ''), by: String(args?.by ?? ''), via, accepted: false, refusal: why });
  setHandler(overridesQuery, () => view);
  setHandler(
    forceBreakerUpdate,
    (args) =>
      gate.update(
        'breaker.force',
        target(args),
        args,
        () => force(args, 'update'),
        refused('force', args, 'update'),
        () => forceProblem(args),
      ),
    { validator: (args) => refuse(forceProblem(args)) },
  );
  setHandler(
    resetBreakerUpdate,
    (args) =>
      gate.update(
        'breaker.force',
        target(args),
        args,
        () => reset(args, 'update'),
        refused('reset', args, 'update'),
        () => resetProblem(args),
      ),
    { validator: (args) => refuse(resetProblem(args)) },
  );
  setHandler(forceBreakerSignal, (args) => {
    const problem = forceProblem(args);
    if (problem) refused('force', args, 'signal')(problem);
    else return gate.signal('breaker.force', target(args), args, () => void force(args, 'signal'), refused('force', args, 'signal'));
  });
  setHandler(resetBreakerSignal, (args) => {
    const problem = resetProblem(args);
    if (problem) refused('reset', args, 'signal')(problem);
    else return gate.signal('breaker.force', target(args), args, () => void reset(args, 'signal'), refused('reset', args, 'signal'));
  });

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit);
  // Updates already accepted finish here, so their callers get answers and nothing is lost.
  await condition(allHandlersFinished);
  const acceptedNonces = [...before, ...gate.accepted()].slice(-CARRIED_NONCES);
  await continueAsNew<typeof breakers>({ continueAsNewAfterEvents: limit, carried: view, acceptedNonces });
}
