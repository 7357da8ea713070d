/**
 * The `runbook` workflow: loads and pins a definition, runs its steps, and — when a step
 * fails or an operator aborts — runs the onFailure compensation in a scope nothing can
 * cancel. Its history is the run's audit trail.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyLocalActivities,
  workflowInfo,
  ContinueAsNew,
} from '@temporalio/workflow';
import type { Continuation, RunbookInput, RunbookResult, RunStatus, StepError } from './api';
import { maskValues } from '../src/dsl/mask';
import type { RuntimeCode } from '../src/dsl/runtime-codes';
import { installAlerts } from './alerts';
import { installControls } from './controls';
import { loadContinued, trustedContinuation } from './continuation';
import { StepFailed, toStepError } from './errors';
import { Evaluator } from './evaluate';
import { Interpreter } from './executor';
import { RunContext } from './run-state';
import { RunbookKind, RunbookName, RunbookTarget } from './search-attributes';
import type * as loader from '../activities/runbook-loader';
import type { StartInput } from '../activities/start-authorization';

const { loadRunbook } = proxyLocalActivities<typeof loader>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['RUNBOOK_INVALID', 'RUNBOOK_NOT_FOUND', 'RUNBOOK_AMBIGUOUS', 'GROUPS_INVALID', 'PARAMS_INVALID'] },
});

export async function runbook(input: RunbookInput): Promise<RunbookResult> {
  const continued = trustedContinuation(input);
  const run = new RunContext(continued?.requestedBy ?? input.requestedBy ?? 'unknown', continued?.startedAt ?? new Date().toISOString());
  installControls(run);
  installAlerts(run);
  run.loaded = continued
    ? await loadContinued(continued, loadRunbook)
    : await loadRunbook({ runbook: input.runbook, params: input.params ?? {}, ...startCheck(input, run.requestedBy) });
  if (continued) restore(run, continued);
  const { definition, sha256, source } = run.loaded.resolved;
  run.identity = { name: definition.metadata.name, version: definition.metadata.version, kind: definition.kind, sha256, source };
  if (run.loaded.start?.requestedBy !== undefined) run.requestedBy = run.loaded.start.requestedBy;
  if (run.loaded.start?.refusal) return refused(run, run.loaded.start.refusal);
  const evaluator = new Evaluator();
  const interpreter = new Interpreter(run, evaluator, (next, attempt) => maybeContinueAsNew(run, next, attempt));
  run.upsert([
    { key: RunbookName, value: definition.metadata.name },
    { key: RunbookKind, value: definition.kind },
    ...(definition.metadata.target
      ? [
          {
            key: RunbookTarget,
            value: searchableTarget(
              await evaluator.value(definition.metadata.target, interpreter.bindings({ prefix: '', views: {}, vars: {} })),
              run.secrets(),
            ),
          },
        ]
      : []),
  ]);
  run.setStatus('running');

  const top = { prefix: '', views: run.views, vars: {}, topIndex: 0 };
  let status: RunStatus = 'succeeded';
  let outputs: Record<string, unknown> = {};
  run.mainScope = new CancellationScope();
  try {
    await run.mainScope.run(() => interpreter.runSequence(definition.steps, top, continued?.nextStep ?? 0, continued?.untilAttempt));
    outputs = (await evaluator.deep(definition.outputs ?? {}, interpreter.bindings(top))) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    status = isCancellation(err) ? 'aborted' : 'failed';
    run.error = failureOf(err, run);
    if (definition.onFailure) {
      run.setStatus('compensating');
      const compensation = { prefix: 'onFailure.', views: run.views, vars: { error: run.error } };
      try {
        await CancellationScope.nonCancellable(() => interpreter.runSequence(definition.onFailure!, compensation));
        if (status === 'failed') status = 'rolled_back';
      } catch (compensationError) {
        status = 'failed';
        run.error = { ...toStepError(compensationError), stepId: 'onFailure', details: { original: run.error } };
      }
    }
  }
  if (definition.finally) status = await runFinally(run, interpreter, status);
  // A run that did not succeed still reports what it can (a chaos verdict, the judgement that failed a canary);
  // an output that cannot be computed then is left out rather than hiding the real failure.
  if (status !== 'succeeded' && definition.outputs)
    outputs = await bestEffortOutputs(evaluator, definition.outputs, interpreter.bindings({ ...top, vars: { status, error: run.error ?? null } }));
  run.setStatus(status);
  await condition(allHandlersFinished);
  const result: RunbookResult = {
    status,
    outputs,
    steps: [...run.records.values()],
    runbook: run.identity,
    overrides: run.overrides,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    ...(run.error ? { error: run.error } : {}),
  };
  return maskValues(result, run.secrets());
}

/** Longest RunbookTarget kept: keyword search attributes are small, and the UI lists them. */
const TARGET_CAP = 255;

/**
 * The RunbookTarget search attribute: search attributes are never encrypted (the server
 * indexes them, the UI lists them to everyone who can list runs), so secret params are masked
 * and the value clipped before it leaves the workflow.
 */
export function searchableTarget(value: unknown, secrets: string[]): string {
  const text = maskValues(String(value), secrets);
  return text.length > TARGET_CAP ? `${text.slice(0, TARGET_CAP - 1)}…` : text;
}

/** A top-level start is checked against the access policy's start rules; children and continuations were checked when their run started. */
function startCheck(input: RunbookInput, requestedBy: string): { start?: StartInput } {
  const info = workflowInfo();
  if (info.parent) return {};
  return {
    start: {
      workflowId: info.workflowId,
      firstRunId: info.firstExecutionRunId,
      requestedBy,
      inline: typeof input.runbook !== 'string',
      ...(input.auth ? { auth: input.auth } : {}),
    },
  };
}

/** The start rules said no: the run ends at once, recording who tried and why; no step has run. */
function refused(run: RunContext, refusal: string): RunbookResult {
  run.error = { code: 'START_REFUSED' satisfies RuntimeCode, message: refusal };
  run.setStatus('refused');
  return {
    status: 'refused',
    outputs: {},
    steps: [],
    runbook: run.identity!,
    overrides: [],
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    error: run.error,
  };
}

async function bestEffortOutputs(evaluator: Evaluator, outputs: Record<string, unknown>, bindings: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(outputs)) {
    try {
      out[key] = await evaluator.deep(value, bindings);
    } catch {
      // left out: see the caller
    }
  }
  return out;
}

/** `finally:` always runs last and nothing cancels it (fault removal, cleanup); its own failure fails the run. */
async function runFinally(run: RunContext, interpreter: Interpreter, status: RunStatus): Promise<RunStatus> {
  run.setStatus('compensating');
  const scope = { prefix: 'finally.', views: run.views, vars: { status, error: run.error ?? null } };
  try {
    await CancellationScope.nonCancellable(() => interpreter.runSequence(run.definition.finally!, scope));
    return status;
  } catch (finallyError) {
    run.error = { ...toStepError(finallyError), stepId: 'finally', ...(run.error ? { details: { original: run.error } } : {}) };
    return 'failed';
  }
}

function failureOf(err: unknown, run: RunContext): StepError & { stepId?: string } {
  if (isCancellation(err)) {
    const by = run.abortedBy ?? { by: 'temporal', reason: 'workflow cancellation requested' };
    const what = 'emergency' in by && by.emergency ? 'emergency stop by' : 'aborted by';
    return { code: 'ABORTED' satisfies RuntimeCode, message: `${what} ${by.by}${by.reason ? `: ${by.reason}` : ''}`, details: by };
  }
  if (err instanceof StepFailed) return { ...err.error, stepId: err.stepId };
  return toStepError(err);
}

/** Between top-level steps (and loop iterations), hand over to a fresh run before history grows large. */
async function maybeContinueAsNew(run: RunContext, nextStep: number, untilAttempt?: number): Promise<void> {
  const info = workflowInfo();
  if (!info.continueAsNewSuggested && info.historyLength < run.loaded.continueAsNewAfterEvents) return;
  if (run.approvals.size > 0 || run.running.size > (untilAttempt !== undefined ? 1 : 0)) return;
  await condition(allHandlersFinished);
  const continuation: Continuation = {
    loaded: run.loaded,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    nextStep,
    ...(untilAttempt !== undefined ? { untilAttempt } : {}),
    views: run.views,
    records: [...run.records.values()],
    overrides: run.overrides,
    paused: run.paused,
  };
  await continueAsNew<typeof runbook>({ runbook: run.loaded.resolved.definition.metadata.name, continued: continuation });
}

function restore(run: RunContext, c: Continuation): void {
  Object.assign(run.views, c.views);
  for (const r of c.records) run.records.set(r.id, r);
  run.overrides.push(...c.overrides);
  run.paused = c.paused;
}
