/** Typed breaker errors, each with a stable `code` that callers, retry policies and tests match on. */
import type { Rejection } from './states';
import { GenieError } from '../errors/genie-error';

/**
 * A call the breaker did not let through: the destination is failing (open), being tried
 * (half-open, trial calls in flight) or forced open by an operator. Retryable by nature:
 * `rejection.retryAfterMs`, when known, says when a call may pass again.
 */
export class BreakerOpenError extends GenieError {
  readonly code = 'BREAKER_OPEN';

  constructor(readonly rejection: Rejection) {
    super(rejection.message);
  }
}

/** A breaker option or GENIE_BREAKER_* variable is invalid; the message names it. */
export class BreakerConfigError extends GenieError {
  readonly code = 'BREAKER_CONFIG';
}

/** Not a usable breaker name (an http(s) origin or a simple name); the message shows one. */
export class BreakerNameError extends GenieError {
  readonly code = 'BREAKER_NAME_INVALID';
}
