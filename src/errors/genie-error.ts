/**
 * The one base of Genie's own errors: a stable machine-readable `code` (what callers, tests,
 * the activity envelope and `retry.nonRetryable` match on) and a `name` that is the class's
 * own. Pure (no Node built-ins) so workflow code can use it too.
 */

/**
 * The brand lives in the global symbol registry, which every V8 context of a process shares:
 * an error made inside the workflow sandbox (another realm, where `instanceof` sees a
 * different GenieError) still carries it.
 */
const GENIE_ERROR = Symbol.for('genie.error');

export abstract class GenieError extends Error {
  /** Stable; never renamed once released (runbooks and callers depend on it). */
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, GENIE_ERROR, { value: true });
  }
}

/** True for a GenieError from any realm (instanceof is not: each V8 context has its own classes). */
export function isGenieError(error: unknown): error is GenieError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { [GENIE_ERROR]?: unknown; code?: unknown };
  return e[GENIE_ERROR] === true && typeof e.code === 'string';
}
