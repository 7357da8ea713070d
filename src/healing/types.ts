/**
 * The vocabulary of self-healing: checks with Kubernetes probe semantics, the recovery
 * ladder, backoff and limits (the configuration), what one round of probing observed, and
 * the monitor's state that the planner carries from one cycle to the next. Pure data: the
 * planner's input and output land in workflow history as they are.
 */
/** The verdict of one probe, as every health.* check returns it. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** A probe, in Kubernetes terms: run every `periodMs`, each bounded by `timeoutMs`. */
export interface CheckSpec {
  name: string;
  kind: 'http' | 'tcp' | 'process' | 'command';
  /** Arguments of the matching health.<kind> action (url, host/port, pid/name, command...). */
  args: Record<string, unknown>;
  periodMs: number;
  timeoutMs: number;
  /** Consecutive failures that make the check failed (Kubernetes default 3). */
  failureThreshold: number;
  /** Consecutive successes that make a failed check pass again (Kubernetes default 1). */
  successThreshold: number;
  /** Does a degraded result count as a failure? (default false: degraded is a warning). */
  degradedIsFailure: boolean;
}

/** How a recovery is carried out; each maps to one `do_<via>` step of the runbook. */
export type Via = 'process' | 'command' | 'webhook' | 'cleanup' | 'runbook';

export interface Call {
  via: Via;
  /** Arguments of that step's action (process name, command+args, url+payload, path+maxBytes, child params). */
  args: Record<string, unknown>;
}

export type StrategyKind = 'restart' | 'cleanup' | 'scale' | 'escalate' | 'custom';

/** One rung of the ladder. */
export interface Strategy extends Call {
  name: string;
  kind: StrategyKind;
  /** Attempts of this strategy per incident before the ladder moves on. */
  maxAttempts: number;
  /** What undoes it, when a recovery made the health score worse. */
  rollback?: Call;
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Healthy this long and the backoff starts again from initialMs. */
  resetAfterMs: number;
}

export interface HealingConfig {
  checks: CheckSpec[];
  ladder: Strategy[];
  backoff: BackoffPolicy;
  /** Recovery attempts (all strategies together) allowed within windowMs before escalating. */
  maxAttemptsPerWindow: number;
  windowMs: number;
  /** How long one watch (healthy monitoring) lasts before the workflow takes a turn. */
  watchMs: number;
  /** How long a verification after a recovery may take to settle. */
  verifyMs: number;
  /** Results kept per check for the trend. */
  trendLength: number;
  /** never: monitor forever; settled: stop once healthy again or escalated (bounded runs, e.g. inside an incident). */
  stopWhen: 'never' | 'settled';
}

/** One probe result, as kept in the trend: when, what, how long, why. */
export interface ProbeSample {
  at: string;
  status: HealthStatus;
  ms: number;
  reason?: string;
}

export interface CheckObservation {
  name: string;
  /** failed: failureThreshold consecutive failures; passing: successThreshold successes; else unknown yet. */
  verdict: 'passing' | 'failed' | 'unknown';
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  last?: ProbeSample;
  /** The newest results, oldest first. */
  trend: ProbeSample[];
}

/** What a watch or a verification saw. */
export interface Observation {
  mode: 'watch' | 'verify';
  /** healthy: every check passing; unhealthy: a check failed; unsettled: neither before the time ran out. */
  outcome: 'healthy' | 'unhealthy' | 'unsettled';
  /** 0..1: the share of checks healthy (degraded counts half), from the latest results. */
  score: number;
  startedAt: string;
  endedAt: string;
  /** When the first failure of the run of failures that failed a check was seen. */
  firstFailureAt?: string;
  probes: number;
  checks: CheckObservation[];
}

/** A recovery (or rollback, or escalation) attempt and what came of it. */
export interface Attempt {
  n: number;
  strategy: string;
  kind: 'recover' | 'rollback' | 'escalate';
  step: string;
  at: string;
  preScore: number;
  /** Did the action itself succeed (the command ran, the webhook answered 2xx)? */
  acted?: 'succeeded' | 'failed' | 'skipped';
  error?: string;
  postScore?: number;
  result?: 'recovered' | 'not-recovered' | 'worse' | 'rolled-back' | 'escalated' | 'action-failed';
}

export interface Incident {
  n: number;
  since: string;
  detectedAt: string;
  failing: string[];
  preScore: number;
  /** Attempts per strategy in this incident. */
  perStrategy: Record<string, number>;
  /** Strategies left out by skipStrategy (for this incident). */
  skipped: string[];
  escalated: boolean;
  attempts: Attempt[];
}

export interface HealState {
  version: 1;
  phase: 'healthy' | 'recovering' | 'escalated' | 'stopped';
  cycle: number;
  /** Next delay = initial × factor^level, capped; grows with each failed attempt. */
  backoffLevel: number;
  healthySince?: string;
  /** Times of recovery attempts inside the per-window limit. */
  window: string[];
  incident?: Incident;
  /** The action ordered last cycle, whose result this cycle reads. */
  pending?: Attempt;
  /** Strategies an operator skipped while no incident was open: they apply to the next one. */
  skipNext?: string[];
  /** The last attempt failed: wait out the backoff before the next rung. */
  backoffDue?: boolean;
  /** The last override of each kind already acted on (by its time). */
  seenSignals: { forceCheck?: string; skipStrategy?: string };
  trend: Record<string, ProbeSample[]>;
  /** Closed incidents, newest last (bounded). */
  closed: { n: number; since: string; endedAt: string; outcome: 'recovered' | 'escalated'; attempts: number; mttrMs: number }[];
  counters: { incidents: number; attempts: number; recoveries: number; escalations: number; rollbacks: number };
}

export type PlanAction = 'none' | 'recover' | 'rollback' | 'escalate' | 'stop';

export interface Plan {
  action: PlanAction;
  /** The runbook step that carries it out (do_process, do_command, do_webhook, do_cleanup, do_runbook). */
  step?: string;
  strategy?: string;
  args?: Record<string, unknown>;
  /** Wait this long (backoff) before the next observation; a forceCheck ends the wait. */
  waitMs: number;
  /** How the next cycle observes: a long healthy watch, or a verification that settles fast. */
  observe: 'watch' | 'verify';
  reason: string;
  state: HealState;
}

/** What expressions see in $run.signals (only the fields the planner reads). */
export interface SignalsView {
  forceCheck?: { at: string; by: string; reason?: string }[];
  skipStrategy?: { at: string; by: string; strategy?: string; reason?: string }[];
}

/** A `do_*` step's view ($steps.<id>): did the action succeed? */
export interface ActedView {
  status?: string;
  output?: unknown;
  error?: { code?: string; message?: string } | null;
}
