/**
 * One probe of one check, through the same health.* implementations runbooks call (so it lives
 * with the activities, not in src/healing, which never imports them), bounded
 * by the check's timeout. A probe never throws for a sick target: down, slow or wrong is a
 * result (unhealthy, with the reason). Only a mistake in the check itself (a bad argument,
 * a command not allowlisted) is an error, because retrying cannot fix it.
 */
import { ApplicationFailure } from '@temporalio/common';
import * as health from './health';
import type { CheckSpec, HealthStatus, ProbeSample } from '../src/healing/types';

type Verdict = { status: HealthStatus; reasons: string[] };

const CONFIG_ERRORS = new Set(['BAD_ARGUMENT', 'COMMAND_NOT_ALLOWED', 'COMMAND_NOT_FOUND']);

function run(spec: CheckSpec): Promise<Verdict> {
  const timeout = `${spec.timeoutMs}ms`;
  const args = spec.args as never;
  switch (spec.kind) {
    case 'http':
      return health.http.run({ ...(args as object), timeout } as never);
    case 'tcp':
      return health.tcp.run({ ...(args as object), timeout } as never);
    case 'process':
      return health.process.run(args);
    case 'command':
      return health.command.run({ ...(args as object), timeout } as never) as Promise<Verdict>;
  }
}

export async function probeOnce(spec: CheckSpec, signal?: AbortSignal): Promise<ProbeSample> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  let timer: NodeJS.Timeout | undefined;
  // The http/tcp checks honour their own timeout; this bounds the others (and a slow /proc).
  const deadline = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'unhealthy', reasons: [`no answer within ${spec.timeoutMs}ms`] }), spec.timeoutMs + 250);
  });
  try {
    const verdict = await Promise.race([run(spec), deadline]);
    const sample: ProbeSample = { at, status: verdict.status, ms: Date.now() - started };
    if (verdict.status !== 'healthy' && verdict.reasons.length) sample.reason = verdict.reasons.join('; ').slice(0, 200);
    return sample;
  } catch (error) {
    if (signal?.aborted) return { at, status: 'unhealthy', ms: Date.now() - started, reason: 'cancelled' };
    const type = (error as ApplicationFailure).type;
    if (error instanceof ApplicationFailure && type && CONFIG_ERRORS.has(type)) {
      throw ApplicationFailure.nonRetryable(`check ${spec.name}: ${error.message}`, type);
    }
    return { at, status: 'unhealthy', ms: Date.now() - started, reason: `${type ?? (error as Error).name}: ${(error as Error).message}`.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
