/**
 * Wraps each action so the workflow learns which attempt produced its result or its final
 * failure — the `attempts` column of the state query — without a round trip per retry.
 * It is also where `secret://<name>` references in the arguments become values: here, just
 * before the action runs, never in the workflow; and every resolved value is masked (***) in
 * what goes back (result, failure message and details), hence in history, logs and the CLI.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { ActionEnvelope } from '../workflows/steps/action';
import { maskValues } from '../src/dsl/mask';
import { configuredProviders, resolveSecretReferences, SecretNotFoundError } from '../src/secrets';

export function withAttempt(run: (args: any) => Promise<unknown>): (args: unknown) => Promise<ActionEnvelope> {
  return async (rawArgs) => {
    const attempt = Context.current().info.attempt;
    let secrets: string[] = [];
    try {
      const resolved = await resolveSecretReferences(rawArgs, configuredProviders());
      secrets = resolved.secrets;
      return { output: maskValues(await run(resolved.args), secrets), attempt };
    } catch (raw) {
      // Cancellation must reach Temporal as cancellation, not as a failure to retry.
      if (raw instanceof CancelledFailure) throw raw;
      // An unknown secret stays unknown however often it is asked for.
      if (raw instanceof SecretNotFoundError) throw ApplicationFailure.create({ type: raw.code, message: raw.message, nonRetryable: true, details: [{ attempt, details: { reference: raw.reference, consulted: raw.consulted } }] });
      const err = raw as Error;
      const message = maskValues(String(err?.message ?? err), secrets);
      if (err instanceof ApplicationFailure) {
        throw ApplicationFailure.create({
          type: err.type ?? 'ERROR', message, nonRetryable: err.nonRetryable ?? false,
          details: [{ attempt, ...(err.details?.length ? { details: maskValues(err.details[0], secrets) } : {}) }],
          ...(err.nextRetryDelay != null ? { nextRetryDelay: err.nextRetryDelay } : {}),
        });
      }
      const e = err as { code?: unknown; name?: string; message?: string };
      throw ApplicationFailure.create({
        type: typeof e.code === 'string' ? e.code : e.name ?? 'Error', message, details: [{ attempt }],
      });
    }
  };
}

