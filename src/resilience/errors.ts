/** Typed breaker errors, each with a stable `code` that callers, retry policies and tests match on. */
import type { Rejection } from './states';

/**
 * A call the breaker did not let through: the destination is failing (open), being tried
 * (half-open, trial calls in flight) or forced open by an operator. Retryable by nature:
 * `rejection.retryAfterMs`, when known, says when a call may pass again.
 */
export class BreakerOpenError extends Error {
  readonly code = 'BREAKER_OPEN';

  constructor(readonly rejection: Rejection) {
    super(rejection.message);
    this.name = 'BreakerOpenError';
  }
}

/** A breaker option or GENIE_BREAKER_* variable is invalid; the message names it. */
export class BreakerConfigError extends Error {
  readonly code = 'BREAKER_CONFIG';

  constructor(message: string) {
    super(message);
    this.name = 'BreakerConfigError';
  }
}

/** Not a usable breaker name (an http(s) origin or a simple name); the message shows one. */
export class BreakerNameError extends Error {
  readonly code = 'BREAKER_NAME_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'BreakerNameError';
  }
}
