/** How failures inside a run are named: one StepError shape for every kind of failure. */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import type { StepError } from './api';
import { GenieError } from '../src/errors/genie-error';
import type { RuntimeCode } from '../src/dsl/runtime-codes';

/** A step failed and the failure should end the enclosing sequence. */
export class StepFailed extends GenieError {
  readonly code = 'STEP_FAILED';

  constructor(
    readonly stepId: string,
    readonly error: StepError,
  ) {
    super(`step ${stepId} failed: ${error.code}: ${error.message}`);
  }
}

/** `onError: <handler>` — continue the sequence at a later step. */
export class JumpToHandler extends GenieError {
  readonly code = 'JUMP_TO_HANDLER';

  constructor(
    readonly target: string,
    readonly from: string,
  ) {
    super(`step ${from} failed; continuing at handler ${target}`);
  }
}

/** Raised by the interpreter's own checks; the code is one RUNTIME_CODES documents. */
export function runbookError(code: RuntimeCode, message: string, details?: unknown): ApplicationFailure {
  return stepFailure(code, message, details);
}

/** Raised by a `fail:` step: its author chooses the code, so it may be any string. */
export function authoredError(code: string, message: string): ApplicationFailure {
  return stepFailure(code, message);
}

function stepFailure(code: string, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, details: details === undefined ? undefined : [details], nonRetryable: true });
}

/** Unwraps Temporal's failure chain into the one record the state and history show. */
export function toStepError(err: unknown): StepError {
  if (err instanceof StepFailed) return err.error;
  if (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) {
    return err.cause ? toStepError(err.cause) : { code: 'ACTIVITY_FAILED' satisfies RuntimeCode, message: err.message };
  }
  if (err instanceof TimeoutFailure)
    return {
      code: 'TIMEOUT' satisfies RuntimeCode,
      message: `timed out (${String(err.timeoutType ?? 'deadline')
        .toLowerCase()
        .replace(/_/g, '-')})`,
    };
  if (err instanceof ApplicationFailure) {
    const details = err.details?.[0];
    return { code: err.type ?? ('ERROR' satisfies RuntimeCode), message: err.message, ...(details !== undefined ? { details } : {}) };
  }
  if (isCancellation(err)) return { code: 'CANCELLED' satisfies RuntimeCode, message: 'cancelled' };
  if (err instanceof Error) return { code: err.name || ('ERROR' satisfies RuntimeCode), message: err.message };
  return { code: 'ERROR' satisfies RuntimeCode, message: String(err) };
}
