/**
 * The self-healing decision, as a pure state machine: given what the last cycle ordered,
 * what the probes saw since, and the operators' overrides, say what to do next — nothing,
 * a recovery (the next rung of the ladder), a rollback of a recovery that made things worse,
 * an escalation, or stop — and how long to back off first. The workflow records input and
 * output of every decision, so the ladder's reasoning is in history, cycle by cycle.
 *
 * The ladder: strategies in order, each up to its maxAttempts per incident, skipping those
 * an operator left out (skipStrategy); between failed attempts an exponential backoff
 * (initial × factor^n, capped; reset after a healthy period); more than
 * maxAttemptsPerWindow attempts within the window, or the ladder exhausted, escalates.
 */
import type { ActedView, Attempt, HealingConfig, HealState, Incident, Observation, Plan, SignalsView, Strategy } from './types';

export interface PlanInput {
  config: HealingConfig;
  state: HealState | null | undefined;
  /** What this cycle's probes saw; null when the observation itself failed. */
  observation: Observation | null | undefined;
  /** Views of the do_* steps ($steps.do_process, ...): the result of what the last cycle ordered. */
  acted: Record<string, ActedView | null | undefined>;
  signals: SignalsView;
  now: string;
}

const KEEP_ATTEMPTS = 20;
const KEEP_CLOSED = 10;

export function initialState(): HealState {
  return {
    version: 1,
    phase: 'healthy',
    cycle: 0,
    backoffLevel: 0,
    window: [],
    seenSignals: {},
    trend: {},
    closed: [],
    counters: { incidents: 0, attempts: 0, recoveries: 0, escalations: 0, rollbacks: 0 },
  };
}

/** initial × factor^level, capped at max. */
export function backoffMs(config: HealingConfig, level: number): number {
  const { initialMs, maxMs, factor } = config.backoff;
  return Math.min(maxMs, Math.round(initialMs * factor ** Math.min(level, 64)));
}

const ms = (iso: string) => Date.parse(iso);

export function plan(input: PlanInput): Plan {
  const { config, now } = input;
  const state: HealState = structuredClone(input.state ?? initialState());
  const notes: string[] = [];
  state.cycle += 1;
  const obs = input.observation ?? undefined;
  if (obs) for (const c of obs.checks) state.trend[c.name] = c.trend.slice(-config.trendLength);

  const forced = newSignals(input.signals.forceCheck, state.seenSignals.forceCheck);
  if (forced.length) {
    state.seenSignals.forceCheck = forced[forced.length - 1].at;
    notes.push(`checked now at the request of ${forced.map((f) => f.by).join(', ')}`);
  }
  for (const skip of newSignals(input.signals.skipStrategy, state.seenSignals.skipStrategy)) {
    state.seenSignals.skipStrategy = skip.at;
    const name = skip.strategy ?? '';
    if (!config.ladder.some((s) => s.name === name)) {
      notes.push(`skipStrategy ${JSON.stringify(name)} by ${skip.by} ignored: the ladder has ${config.ladder.map((s) => s.name).join(', ')}`);
      continue;
    }
    state.skipNext = [...new Set([...(state.skipNext ?? []), name])];
    notes.push(`strategy ${name} skipped by ${skip.by}${skip.reason ? ` (${skip.reason})` : ''}`);
  }

  const resolved = state.pending ? resolve(state.pending, input.acted[state.pending.step], obs) : undefined;
  if (resolved && state.incident) {
    state.incident.attempts = [...state.incident.attempts, resolved].slice(-KEEP_ATTEMPTS);
    notes.push(`attempt ${resolved.n} (${resolved.kind} ${resolved.strategy}): ${resolved.result}`);
  }
  delete state.pending;

  const out = (action: Plan['action'], rest: Partial<Plan>, reason: string): Plan => ({
    action,
    waitMs: 0,
    observe: state.incident ? 'verify' : 'watch',
    ...rest,
    reason: [reason, ...notes].join('; '),
    state,
  });

  if (!obs) {
    return out('none', { waitMs: config.backoff.initialMs, observe: 'verify' }, 'the observation failed (see the observe step); checking again after a pause');
  }

  if (obs.outcome === 'healthy') {
    state.healthySince ??= now;
    const incident = state.incident;
    if (incident) {
      const outcome: 'escalated' | 'recovered' = incident.escalated ? 'escalated' : 'recovered';
      const mttrMs = Math.max(0, ms(now) - ms(incident.since));
      state.closed = [...state.closed, { n: incident.n, since: incident.since, endedAt: now, outcome, attempts: incident.attempts.length, mttrMs }].slice(
        -KEEP_CLOSED,
      );
      if (!incident.escalated) state.counters.recoveries += 1;
      delete state.incident;
      delete state.backoffDue;
      delete state.skipNext;
      state.phase = 'healthy';
      notes.unshift(`incident ${incident.n} closed: healthy again after ${mttrMs} ms (${outcome})`);
    }
    if (state.backoffLevel > 0 && ms(now) - ms(state.healthySince) >= config.backoff.resetAfterMs) {
      state.backoffLevel = 0;
      notes.push(`healthy for ${config.backoff.resetAfterMs} ms: backoff reset`);
    }
    if (config.stopWhen === 'settled') {
      state.phase = 'stopped';
      return out('stop', { observe: 'watch' }, 'healthy; this run stops once settled');
    }
    return out('none', { observe: 'watch' }, incident ? 'recovered' : 'healthy');
  }

  if (!state.incident && obs.outcome === 'unsettled') {
    return out('none', { observe: 'verify' }, 'not settled yet: some probes failed, below the failure threshold');
  }

  delete state.healthySince;
  if (!state.incident) {
    state.counters.incidents += 1;
    const failing = obs.checks.filter((c) => c.verdict === 'failed').map((c) => c.name);
    state.incident = {
      n: state.counters.incidents,
      since: obs.firstFailureAt ?? obs.startedAt,
      detectedAt: now,
      failing,
      preScore: obs.score,
      perStrategy: {},
      skipped: [],
      escalated: false,
      attempts: [],
    };
    state.phase = 'recovering';
    notes.unshift(`incident ${state.incident.n} opened: ${failing.join(', ') || 'checks'} failing (score ${obs.score})`);
  }
  const incident = state.incident;
  incident.skipped = [...new Set([...incident.skipped, ...(state.skipNext ?? [])])];
  delete state.skipNext;

  if (resolved?.result === 'worse') {
    const strategy = config.ladder.find((s) => s.name === resolved.strategy)!;
    incident.perStrategy[strategy.name] = strategy.maxAttempts; // it made things worse: not again in this incident
    if (strategy.rollback) {
      state.counters.rollbacks += 1;
      state.pending = attempt(state, strategy.name, 'rollback', `do_${strategy.rollback.via}`, now, obs.score);
      return out(
        'rollback',
        { step: state.pending.step, strategy: strategy.name, args: strategy.rollback.args, observe: 'verify' },
        `${strategy.name} made the health score worse (${resolved.preScore} → ${resolved.postScore}); rolling it back`,
      );
    }
    notes.push(`${strategy.name} made things worse and defines no rollback`);
  }

  if (incident.escalated) {
    if (config.stopWhen === 'settled') {
      state.phase = 'stopped';
      return out('stop', {}, 'escalated; this run stops once settled');
    }
    return out('none', { waitMs: config.backoff.maxMs, observe: 'verify' }, 'escalated; still unhealthy, watching until it recovers');
  }

  if (resolved && resolved.result !== 'recovered') state.backoffDue = true;
  if (state.backoffDue && !forced.length) {
    delete state.backoffDue;
    const waitMs = backoffMs(config, state.backoffLevel);
    state.backoffLevel += 1;
    return out(
      'none',
      { waitMs, observe: 'verify' },
      `still unhealthy after attempt ${incident.attempts.length}; backing off ${waitMs} ms before the next rung`,
    );
  }
  delete state.backoffDue;

  state.window = state.window.filter((t) => ms(now) - ms(t) < config.windowMs);
  const next = nextStrategy(config, incident);
  if (next && state.window.length < config.maxAttemptsPerWindow) {
    incident.perStrategy[next.name] = (incident.perStrategy[next.name] ?? 0) + 1;
    state.window.push(now);
    state.counters.attempts += 1;
    state.pending = attempt(state, next.name, 'recover', `do_${next.via}`, now, obs.score);
    return out(
      'recover',
      { step: state.pending.step, strategy: next.name, args: next.args, observe: 'verify' },
      `${next.kind} with ${next.name}: attempt ${incident.perStrategy[next.name]} of ${next.maxAttempts}`,
    );
  }
  const why = next
    ? `${state.window.length} attempts within ${config.windowMs} ms reached the limit of ${config.maxAttemptsPerWindow}`
    : 'the ladder is exhausted';
  incident.escalated = true;
  state.phase = 'escalated';
  state.counters.escalations += 1;
  const escalation = config.ladder.find((s) => s.kind === 'escalate' && !incident.skipped.includes(s.name));
  if (!escalation) return out('none', { waitMs: config.backoff.maxMs, observe: 'verify' }, `${why}; no escalation strategy left: a human must look`);
  state.pending = attempt(state, escalation.name, 'escalate', `do_${escalation.via}`, now, obs.score);
  return out(
    'escalate',
    { step: state.pending.step, strategy: escalation.name, args: escalation.args, observe: 'verify' },
    `${why}; escalating with ${escalation.name}`,
  );
}

/** The first rung with attempts left that nobody skipped (escalations are the ladder's end, not a rung). */
function nextStrategy(config: HealingConfig, incident: Incident): Strategy | undefined {
  return config.ladder.find((s) => s.kind !== 'escalate' && !incident.skipped.includes(s.name) && (incident.perStrategy[s.name] ?? 0) < s.maxAttempts);
}

function attempt(state: HealState, strategy: string, kind: Attempt['kind'], step: string, at: string, preScore: number): Attempt {
  return { n: (state.incident?.attempts.length ?? 0) + 1, strategy, kind, step, at, preScore };
}

/** What came of the attempt ordered last cycle, judged by its step's result and the probes since. */
function resolve(pending: Attempt, view: ActedView | null | undefined, obs: Observation | undefined): Attempt {
  const acted = view?.status === 'succeeded' ? 'succeeded' : view?.status === 'failed' ? 'failed' : 'skipped';
  const done: Attempt = {
    ...pending,
    acted,
    ...(view?.error?.message ? { error: view.error.message.slice(0, 300) } : {}),
    ...(obs ? { postScore: obs.score } : {}),
  };
  if (pending.kind === 'escalate') return { ...done, result: 'escalated' };
  if (pending.kind === 'rollback') return { ...done, result: 'rolled-back' };
  if (obs?.outcome === 'healthy') return { ...done, result: 'recovered' };
  if (acted !== 'succeeded') return { ...done, result: 'action-failed' };
  if (obs && obs.score < pending.preScore) return { ...done, result: 'worse' };
  return { ...done, result: 'not-recovered' };
}

function newSignals<T extends { at: string }>(list: T[] | undefined, seen: string | undefined): T[] {
  return (list ?? []).filter((s) => seen === undefined || s.at > seen);
}
