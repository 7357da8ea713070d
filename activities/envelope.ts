/**
 * Wraps each action so the workflow learns which attempt produced its result or its final
 * failure — the `attempts` column of the state query — without a round trip per retry.
 * It is also where `secret://<name>` references in the arguments become values: here, just
 * before the action runs, never in the workflow; and every resolved value is masked (***) in
 * what goes back (result, failure message and details), hence in history, logs and the CLI.
 * Only the references the runbook's author wrote literally are resolved: the workflow sends
 * their argument paths as the second argument (src/secrets/provenance.ts says why paths).
 * A call without it (an analysis measurement, a run scheduled by a Genie from before this
 * check) resolves nothing: a reference of unknown origin is data, sent on as written.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { ActionEnvelope } from '../workflows/steps/action';
import type { ActionDefinition } from './action';
import { assertEvaluatedArgs } from './revalidate';
import { maskValues } from '../src/dsl/mask';
import { configuredProviders, parseProvenance, resolveLiteralSecretReferences, SecretNotFoundError } from '../src/secrets';
import { isGenieError } from '../src/errors/genie-error';

export interface EnvelopeOptions {
  /** false for actions whose arguments are stored elsewhere (breaker.force's reason lands in the breakers workflow's history): nothing is resolved. */
  resolveSecrets?: boolean;
}

type Runnable = Pick<ActionDefinition<any, any>, 'name' | 'args' | 'check' | 'run'>;

/** A registered action (its arguments re-checked), or a bare implementation (unit tests). */
export function withAttempt(
  target: Runnable | ((args: any) => Promise<unknown>),
  options: EnvelopeOptions = {},
): (args: unknown, provenance?: unknown) => Promise<ActionEnvelope> {
  const definition = typeof target === 'function' ? undefined : target;
  const run = typeof target === 'function' ? target : target.run;
  return async (rawArgs, provenance) => {
    const attempt = Context.current().info.attempt;
    let secrets: string[] = [];
    try {
      // Before secrets are resolved (so no value reaches a message) and before any side effect.
      if (definition) assertEvaluatedArgs(definition, rawArgs);
      const paths = options.resolveSecrets === false ? [] : parseProvenance(provenance).literalSecretPaths;
      const resolved = await resolveLiteralSecretReferences(rawArgs, paths, configuredProviders());
      secrets = resolved.secrets;
      return { output: maskValues(await run(resolved.args), secrets), attempt };
    } catch (raw) {
      // Cancellation must reach Temporal as cancellation, not as a failure to retry.
      if (raw instanceof CancelledFailure) throw raw;
      // An unknown secret stays unknown however often it is asked for.
      if (raw instanceof SecretNotFoundError)
        throw ApplicationFailure.create({
          type: raw.code,
          message: raw.message,
          nonRetryable: true,
          details: [{ attempt, details: { reference: raw.reference, consulted: raw.consulted } }],
        });
      const err = raw as Error;
      const message = maskValues(String(err?.message ?? err), secrets);
      if (err instanceof ApplicationFailure) {
        throw ApplicationFailure.create({
          type: err.type ?? 'ERROR',
          message,
          nonRetryable: err.nonRetryable ?? false,
          details: [{ attempt, ...(err.details?.length ? { details: maskValues(err.details[0], secrets) } : {}) }],
          ...(err.nextRetryDelay != null ? { nextRetryDelay: err.nextRetryDelay } : {}),
        });
      }
      throw ApplicationFailure.create({ type: failureType(raw), message, details: [{ attempt }] });
    }
  };
}

/**
 * The code a runbook's `retry.nonRetryable` and `$error.code` see: a GenieError's own code. An
 * error from elsewhere keeps the code it carries (Node's ENOENT, undici's UND_ERR_*), else its
 * class name.
 */
function failureType(error: unknown): string {
  if (isGenieError(error)) return error.code;
  const e = error as { code?: unknown; name?: unknown } | null | undefined;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.name === 'string' ? e.name : 'Error';
}
