/**
 * The Temporal activity context, made optional: actions also run when a unit test calls
 * `definition.run(args)` directly, where `Context.current()` would throw.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { parseDuration } from '../src/dsl/duration';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Aborts when Temporal cancels the activity; never aborts outside one. */
export function cancellationSignal(): AbortSignal | undefined {
  return activityContext()?.cancellationSignal;
}

/**
 * The error to throw once cancelled. The worker reports the activity as cancelled (rather
 * than failed) only for a CancelledFailure thrown while its signal is aborted.
 */
export function cancellationError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new CancelledFailure(String(reason ?? 'cancelled'));
}

/**
 * Heartbeats every `intervalMs` until `work` settles. Temporal delivers cancellation only
 * in the answer to a heartbeat, so anything that waits on the network or a child process
 * must beat to be cancellable. The SDK throttles what actually reaches the server.
 */
export async function withHeartbeat<T>(work: Promise<T>, intervalMs = 1000): Promise<T> {
  const context = activityContext();
  if (!context) return work;
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), intervalMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/**
 * How long an action may wait for its target: the explicit value when the step gave one;
 * otherwise `fallbackMs`, shortened to end `marginMs` before the activity's own
 * start-to-close timeout, so the action reports its own timeout (with details) instead of
 * Temporal reporting a bare activity timeout.
 */
export function timeBudgetMs(explicitMs: number | undefined, fallbackMs: number, marginMs: number): number {
  if (explicitMs !== undefined) return explicitMs;
  const startToClose = activityContext()?.info.startToCloseTimeoutMs;
  if (!startToClose) return fallbackMs;
  // A very short activity timeout keeps half for the action rather than nothing.
  return Math.max(1, Math.min(fallbackMs, startToClose - Math.min(marginMs, startToClose / 2)));
}

/** Node timers fire at once for anything longer (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A step's `timeout` argument in milliseconds (undefined when absent), or a non-retryable BAD_ARGUMENT. */
export function timeoutArg(text: unknown): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(String(text));
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`timeout: ${(error as Error).message}`, 'BAD_ARGUMENT');
  }
  if (ms < 1) throw ApplicationFailure.nonRetryable(`timeout must be at least 1ms, not ${String(text)}`, 'BAD_ARGUMENT');
  return Math.min(ms, MAX_TIMER_MS);
}
