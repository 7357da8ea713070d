/**
 * Wraps each action so the workflow learns which attempt produced its result or its final
 * failure — the `attempts` column of the state query — without a round trip per retry.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { ActionEnvelope } from '../workflows/steps/action';

export function withAttempt(run: (args: any) => Promise<unknown>): (args: unknown) => Promise<ActionEnvelope> {
  return async (args) => {
    const attempt = Context.current().info.attempt;
    try {
      return { output: await run(args), attempt };
    } catch (err) {
      // Cancellation must reach Temporal as cancellation, not as a failure to retry.
      if (err instanceof CancelledFailure) throw err;
      if (err instanceof ApplicationFailure) {
        throw ApplicationFailure.create({
          type: err.type ?? 'ERROR', message: err.message, nonRetryable: err.nonRetryable ?? false,
          details: [{ attempt, ...(err.details?.length ? { details: err.details[0] } : {}) }],
          ...(err.nextRetryDelay != null ? { nextRetryDelay: err.nextRetryDelay } : {}),
        });
      }
      const e = err as { code?: unknown; name?: string; message?: string };
      throw ApplicationFailure.create({
        type: typeof e.code === 'string' ? e.code : e.name ?? 'Error', message: e.message ?? String(err), details: [{ attempt }],
      });
    }
  };
}
