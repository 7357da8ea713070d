/**
 * The codes a run gives a failed step (`$error.code`, `genie status`, the state query) and that
 * `retry.nonRetryable` names: the run-time counterpart of DIAGNOSTIC_CODES, which name what the
 * validator finds before a run. The one place these codes are documented (docs/runtime-codes.md
 * is generated from it: npm run docs). Codes are only ever added, never renamed: runbooks
 * and recorded histories hold them. Actions and commands may raise codes of their own; the
 * author of a `fail:` step chooses any code. Pure: no Node built-ins.
 */

export interface RuntimeCodeInfo {
  /** What happened, in one line, for a runbook's author. */
  meaning: string;
  /**
   * Whether an action's retry policy retries a failure with this code unless `retry.nonRetryable`
   * names it. Codes the interpreter raises are never retried: they end the step at once.
   */
  retryable: boolean;
  /** `interpreter`: the workflow itself (a step kind, a deadline, Temporal); `action`: an action (an activity). */
  raisedBy: 'interpreter' | 'action';
}

const interpreter = (meaning: string): RuntimeCodeInfo => ({ meaning, retryable: false, raisedBy: 'interpreter' });
const action = (retryable: boolean, meaning: string): RuntimeCodeInfo => ({ meaning, retryable, raisedBy: 'action' });

export const RUNTIME_CODES = {
  // Steps and the interpreter
  STEP_TIMEOUT: interpreter('A step did not finish within its `timeout` (retries included).'),
  RUNBOOK_FAILED: interpreter('A `fail:` step ran without a `code` of its own.'),
  HANDLER_NOT_FOUND: interpreter('`onError` names a step that is not a later step of the same sequence.'),
  UNKNOWN_ACTION: interpreter('The action is not registered on the worker that ran the step (an older or differently built worker).'),
  BAD_DURATION: interpreter('A duration written as an expression evaluated to something that is not a duration (30s, 5m...).'),
  EXPRESSION_FAILED: interpreter('A `{% ... %}` expression failed to evaluate (a JSONata error; details carry its code and position).'),
  EXPRESSION_BUDGET: interpreter('A `{% ... %}` expression ran out of its budget of steps, depth or time.'),
  PARALLEL_FAILED: interpreter('One or more branches of a `parallel:` step failed.'),
  FOREACH_NOT_A_LIST: interpreter('`forEach.items` evaluated to something that is not a list.'),
  FOREACH_FAILED: interpreter('More `forEach` iterations failed than the step allows.'),
  UNTIL_EXHAUSTED: interpreter("An `until:` step's condition was still false after its last attempt."),
  UNTIL_TIMEOUT: interpreter("An `until:` step's condition was still false when its timeout ran out."),
  CHILD_RUNBOOK_FAILED: interpreter("A `runbook:` step's child run ended failed, aborted or rolled back."),
  APPROVAL_REJECTED: interpreter('An approver rejected an `approval:` step.'),
  APPROVAL_TIMEOUT: interpreter('An `approval:` step did not get enough approvals in time.'),
  ANALYSIS_FAILED: interpreter('An analysis judged the canary worse than the baseline (verdict Failed).'),
  ANALYSIS_ERROR: interpreter('A measurement of an analysis failed more times in a row than `consecutiveErrorLimit` allows (verdict Error).'),
  ANALYSIS_INCONCLUSIVE: interpreter('An analysis was inconclusive and nobody decided within `inconclusive.timeout`.'),
  BAD_ANALYSIS: interpreter("An analysis's `count` evaluated to something that is not a positive number."),
  OVERRIDE_REFUSED: interpreter('An operator override (signal or update) was refused by the access policy.'),
  START_REFUSED: interpreter('The start rules of the access policy refused the run; no step ran.'),
  CONTINUED_FORGED: interpreter('A new run was started with the `continued` field, which only Genie sets when a run continues as new.'),
  ABORTED: interpreter('An operator aborted the run (or pressed the emergency stop), or Temporal cancelled it.'),
  // What Temporal reports about an action
  TIMEOUT: interpreter(
    "An action ran out of time (schedule-to-close, heartbeat, or the last attempt's start-to-close); earlier attempts' timeouts were retried by its policy.",
  ),
  CANCELLED: interpreter('The step was cancelled (the run was aborted, or a background step it belonged to ended).'),
  ACTIVITY_FAILED: interpreter('An action failed without saying why (no cause recorded).'),
  ERROR: interpreter('A failure with no code of its own.'),
  // Loading a run
  RUNBOOK_INVALID: interpreter('The runbook named by a run (or a `runbook:` step) does not validate.'),
  RUNBOOK_NOT_FOUND: interpreter("No runbook in the worker's runbook directory has that name."),
  RUNBOOK_AMBIGUOUS: interpreter('Several files in the runbook directory declare that name.'),
  RUNBOOK_NAME_INVALID: interpreter('The run names its runbook with something that is not a runbook name (a path, for instance).'),
  GROUPS_INVALID: interpreter('The approver groups file (GENIE_GROUPS_FILE) cannot be used.'),
  PARAMS_INVALID: interpreter("The run's parameters do not match the runbook's `params`."),
  // Shared by actions
  BAD_ARGUMENT: action(false, "An action's argument is unusable in a way its schema could not tell before the run."),
  ACTION_ARGS: action(false, "An action's evaluated arguments do not match its argument schema."),
  SECRET_NOT_FOUND: action(false, 'A `secret://` reference is not known to any secrets provider on the worker.'),
  TARGET_NOT_ALLOWED: action(false, "A chaos fault's target is outside the worker's chaos target allowlist."),
  NO_ACTIVITY_CONTEXT: action(false, 'The action ran outside a Temporal activity (a test harness, for instance).'),
  NO_WORKFLOW: action(false, 'The action must run inside a workflow run.'),
  BREAKER_OPEN: action(
    true,
    "The destination's circuit breaker is open: the call was not sent (the next attempt waits until the breaker lets trial calls through).",
  ),
  BREAKER_OVERRIDE_REFUSED: action(false, 'The breakers workflow refused `breaker.force` (bad name, missing reason...).'),
  // HTTP
  HTTP_CONNECT: action(true, 'The HTTP destination could not be reached (refused, unknown host, TLS).'),
  HTTP_TIMEOUT: action(true, 'The HTTP destination did not answer within the timeout.'),
  HTTP_ABORTED: action(true, 'The HTTP exchange was broken off before it completed.'),
  HTTP_ERROR: action(true, 'The HTTP exchange failed for another reason (a malformed answer, a reset).'),
  HTTP_EXPECTATION_FAILED: action(true, "The HTTP answer did not meet the step's `expect` (status, body, jsonPath)."),
  WEBHOOK_FAILED: action(true, 'A webhook answered with a status other than 2xx (only 5xx, 408 and 429 are retried).'),
  // Commands and processes
  COMMAND_EXIT: action(false, 'The command exited with a non-zero status (retried only with `retryOnFailure: true`).'),
  COMMAND_TIMEOUT: action(false, 'The command did not finish within its timeout (retried only with `retryOnFailure: true`).'),
  COMMAND_SPAWN: action(false, 'The command could not be started (retried only when the cause is transient, such as EAGAIN).'),
  COMMAND_NOT_ALLOWED: action(false, "The command is not in the worker's command allowlist."),
  COMMAND_NOT_FOUND: action(false, "The command is allowed but not found on the worker's PATH."),
  PROCESS_LOCKED: action(true, "Another worker operation holds the supervised process's lock."),
  PROCESS_NOT_READY: action(true, 'The supervised process runs but its health URL did not answer 200 in time.'),
  PROCESS_EXITED: action(true, 'The supervised process exited right after it started.'),
  PROCESS_STOP_FAILED: action(true, 'The supervised process was still alive after SIGKILL.'),
  PROCESS_BAD_NAME: action(false, 'The process name is not a usable name.'),
  PROCESS_BAD_SPEC: action(false, 'The process specification (command, environment, health URL) is invalid.'),
  PROCESS_UNKNOWN: action(false, 'No supervised process has that name on the worker.'),
  PROCESS_CONFLICT: action(false, 'A process of that name already runs with a different command or environment; stop it first, or start with replace.'),
  PROCESS_SPAWN: action(false, 'The process could not be started.'),
  PROCESS_SECRET_MISSING: action(false, 'Restarting the process needs a secret that is never written to disk and is not in the environment.'),
  PROCESS_STATE_CORRUPT: action(false, "The supervisor's record of the process is not valid JSON."),
  // Traffic router
  ROUTER_NOT_CONFIGURED: action(false, 'The worker has no router admin URL or token (GENIE_ROUTER_ADMIN_URL, GENIE_ROUTER_TOKEN).'),
  ROUTER_ERROR: action(true, 'The router admin API failed or answered something that is not JSON.'),
  ROUTER_REFUSED: action(false, 'The router admin API refused the request (400, 405, 413).'),
  ROUTER_UNAUTHORIZED: action(false, "The router admin API refused the worker's token."),
  ROUTER_NOT_FOUND: action(false, 'The router does not know the route or pool.'),
  ROUTER_ANSWER_TOO_LARGE: action(false, 'The router admin API answered more than Genie reads.'),
  VERSION_CONFLICT: action(false, 'The router configuration changed since it was read (409); read it again.'),
  // Metrics and analysis
  PROMETHEUS_NOT_CONFIGURED: action(false, 'No Prometheus URL: pass url or set GENIE_PROMETHEUS_URL on the worker.'),
  PROMETHEUS_ERROR: action(true, 'Prometheus failed or answered something that is not a query API answer.'),
  PROMETHEUS_QUERY_ERROR: action(false, 'Prometheus refused the query (bad PromQL).'),
  PROMETHEUS_MULTIPLE_SERIES: action(false, 'The query returned several series; aggregate it to one.'),
  PROMETHEUS_AMBIGUOUS: action(false, 'The query returned several series; aggregate it to one.'),
  PROMETHEUS_NOT_A_NUMBER: action(false, 'The query result is not a number (a range vector, a string).'),
  MEASURE_BAD_QUERY: action(false, 'An analysis measurement is not a usable query.'),
  METRIC_NOT_FOUND: action(false, 'The host metric asked for does not exist on the worker (a disk not mounted).'),
  JUDGE_BAD_INPUT: action(false, 'The analysis judge was given unusable metrics or thresholds.'),
  HEALTH_THRESHOLD: action(true, 'A health check found the target unhealthy.'),
  // Chaos
  NOT_STEADY: action(false, 'The steady-state hypothesis did not hold before the fault was injected.'),
  STOP_CONDITION: action(false, 'A stop condition fired while a fault was held; the fault was removed.'),
  FAULT_INTERRUPTED: action(false, 'Holding a fault was interrupted; the faults injected were removed.'),
  REMOVE_FAILED: action(true, 'A fault could not be removed (chaos.rollback retries; chaos.inject reports it and stops).'),
  BAD_TARGET: action(false, 'A chaos fault cannot be applied to that target (a path through a link, a file already there...).'),
  TARGET_NOT_FOUND: action(false, "A chaos fault's target does not exist on the worker."),
  TARGET_NOT_RUNNING: action(false, "A chaos fault's target process is not running."),
  TARGET_BUSY: action(false, 'The target already has network settings of its own (a root qdisc) that Genie could not restore, so nothing is injected.'),
  TOO_LARGE: action(false, 'A disk or memory fault asks for more than GENIE_CHAOS_MAX_DISK_MB / GENIE_CHAOS_MAX_MEMORY_MB allow.'),
  TC_UNAVAILABLE: action(false, 'Network faults need `tc` (iproute2), which the worker does not have or may not run.'),
  NETEM_UNAVAILABLE: action(false, "Network faults need the kernel's netem module, which is not available."),
  TC_FAILED: action(false, '`tc` refused to add or remove the network fault.'),
  FAULT_FAILED: action(false, 'Injecting the fault failed for another reason (the message says why).'),
  // Replication and failover
  WRONG_NODE: action(false, 'The node answering is not the one the regions file names (wrong cluster or port).'),
  NOT_PRIMARY: action(true, 'The region asked to act as the primary is not one (a standby, or unreachable).'),
  NO_PRIMARY: action(true, 'No region answers as a primary.'),
  SPLIT_BRAIN_RISK: action(false, 'More than one node accepts writes, or would after this step; fence one first.'),
  PROMOTE_TIMEOUT: action(true, 'A standby could not be promoted, or did not become writable in time.'),
  FENCE_FAILED: action(true, 'The old primary still accepts writes after being fenced.'),
  PROMOTE_FAILED: action(true, 'The failover could not promote the new primary (the details carry the steps done).'),
  ROUTER_FAILED: action(true, 'The failover could not switch the traffic (the details carry the steps done).'),
  REJOIN_FAILED: action(false, 'An old primary could not rejoin as a standby (not the same cluster, no data directory, not streaming).'),
  BAD_REGION: action(false, 'The region is not in the regions file, or cannot be used for this.'),
  RPO_GATE: action(false, 'Failing over now would lose more data than the recovery point objective allows.'),
  REGIONS_FILE: action(false, 'The regions file is invalid (the message says where).'),
  NODE_UNREACHABLE: action(true, "A region's PostgreSQL could not be reached."),
  POSTGRES_NOT_FOUND: action(false, 'The PostgreSQL server binaries are not installed on the worker.'),
  PG_TOOL_FAILED: action(true, 'A PostgreSQL tool (initdb, pg_basebackup, pg_rewind...) failed.'),
  PG_START_FAILED: action(true, 'A local PostgreSQL node did not start.'),
  PG_STOP_FAILED: action(true, 'A local PostgreSQL node did not stop.'),
  PG_NOT_LOCAL: action(false, 'The node is not a local one this worker manages.'),
  // Prediction
  PREDICT_TOO_FEW_POINTS: action(false, 'The series is too short for the predictor.'),
  PREDICT_BAD_INPUT: action(false, 'The series holds values the predictor cannot use.'),
  PREDICT_BAD_OPTION: action(false, "A predictor's option is out of range."),
  PREDICT_UNKNOWN_DETECTOR: action(false, 'No detector has that name.'),
  PREDICT_BAD_STATE: action(false, "A detector's saved state is malformed."),
  // Data and deployments
  REPLICAS_DIFFER: action(false, 'Replicas hold different rows than the primary.'),
  SHADOW_BAD_RULES: action(false, 'The shadow comparison rules are invalid.'),
  DEPLOY_NOT_CONFIGURED: action(false, 'The worker lacks what the deploy mode needs (GENIE_DEPLOY_MODE, GENIE_DEPLOY_PORTS, a command or webhook).'),
  DEPLOY_NOT_A_SERVICE: action(false, 'The service names a supervised process that is not a demo service; manage it with process.*.'),
  DEPLOY_PORT_TAKEN: action(false, 'The port the deployment needs is taken by another supervised process.'),
  HEALING_CONFIG: action(false, 'The self-healing configuration is invalid (the message says where).'),
  CLEANUP_NOT_ALLOWED: action(false, "The cleanup path is outside the worker's cleanup allowlist (GENIE_CLEANUP_ALLOWLIST)."),
  CLEANUP_BAD_PATH: action(false, 'The cleanup path is not usable (relative, missing, not a directory), or maxBytes is not a whole number.'),
  UTIL_FAIL: action(true, '`util.fail` failed as asked (retryable unless its `nonRetryable` argument is true).'),
} as const satisfies Record<string, RuntimeCodeInfo>;

export type RuntimeCode = keyof typeof RUNTIME_CODES;

export function isRuntimeCode(code: string): code is RuntimeCode {
  return Object.hasOwn(RUNTIME_CODES, code);
}
