/**
 * `failover.healthyFor`: before an automatic failback, has the old primary region been
 * healthy — its app answering <appUrl>/health (which needs a database round trip) and its
 * database a standby streaming from the current primary and caught up — continuously for
 * `minHealthy`? Any failed check restarts the clock. Not healthy within `within` is a
 * finding, not a failure: the result says why, and the runbook keeps traffic where it is.
 * URLs and nodes come from the regions file; the input only names regions from it.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { activityContext, cancellationSignal } from './context';
import { regions } from './failover';
import { parseDuration } from '../src/dsl/duration';
import { Duration } from '../src/dsl/types';
import { PostgresAdapter, findRegion, resolveNode, type RegionsFile } from '../src/failover';
import { httpRequest } from '../src/http/client';

const adapter = new PostgresAdapter();
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        r();
      },
      { once: true },
    );
  });

function regionOrFail(file: RegionsFile, name: string) {
  try {
    return findRegion(file, name);
  } catch (error) {
    throw ApplicationFailure.nonRetryable((error as Error).message, 'BAD_ARGUMENT');
  }
}

/** Why the region is not healthy right now (undefined: it is). */
async function unhealthyBecause(file: RegionsFile, region: string, primary: string, maxLagBytes: number, signal?: AbortSignal): Promise<string | undefined> {
  const r = regionOrFail(file, region);
  const app = await httpRequest({
    method: 'GET',
    url: `${r.appUrl!.replace(/\/+$/, '')}/health`,
    headers: {},
    timeoutMs: 1_000,
    maxBodyBytes: 4 * 1024,
    breakers: false,
    ...(signal ? { signal } : {}),
  }).then(
    (res) => (res.status === 200 ? undefined : `its app's /health answered ${res.status}`),
    (e: Error) => `its app does not answer /health (${e.message})`,
  );
  if (app) return app;
  const own = await adapter.status(await resolveNode(r.postgres), 1_000);
  if (!own.reachable) return `its database does not answer (${own.error ?? 'unreachable'})`;
  if (own.role !== 'standby') return `its database is ${own.role}, not a standby`;
  const view = await adapter.status(await resolveNode(regionOrFail(file, primary).postgres), 1_000);
  const replica = view.replicas?.find((x) => x.name === region);
  if (!replica || replica.state !== 'streaming') return `it is not streaming from ${primary}${replica ? ` (${replica.state})` : ''}`;
  if (replica.lagBytes > maxLagBytes) return `it is ${replica.lagBytes} bytes behind ${primary} (at most ${maxLagBytes})`;
  return undefined;
}

export const healthyFor = defineAction({
  name: 'failover.healthyFor',
  description:
    'Waits until a region (app /health and its database as a caught-up standby of primary) has been healthy continuously for minHealthy, at most `within`; returns healthy and, if not, why.',
  args: Type.Object(
    {
      region: Type.String({ minLength: 1, description: 'The region to judge (the old primary)' }),
      primary: Type.String({ minLength: 1, description: 'The current primary it must stream from' }),
      minHealthy: Duration,
      within: Duration,
      maxLagBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Caught up: at most this far behind the primary (default 1 MiB)' })),
      regionsFile: Type.Optional(Type.String({ minLength: 1, description: 'The regions file (default $GENIE_REGIONS)' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '2h', heartbeat: '10s', retry: { maxAttempts: 3, initialInterval: '1s' } },
  run: async (a) => {
    const file = regions(a.regionsFile);
    for (const r of [a.region, a.primary]) regionOrFail(file, r);
    if (a.region === a.primary) throw ApplicationFailure.nonRetryable(`region and primary are both ${a.region}`, 'BAD_ARGUMENT');
    const [minHealthyMs, withinMs] = [parseDuration(a.minHealthy), parseDuration(a.within)];
    if (withinMs < minHealthyMs)
      throw ApplicationFailure.nonRetryable(
        `within (${a.within}) is shorter than minHealthy (${a.minHealthy}): the region could never qualify`,
        'BAD_ARGUMENT',
      );
    const signal = cancellationSignal();
    const started = Date.now();
    let healthySince: number | undefined;
    let reason = 'not checked yet';
    let checks = 0;
    while (!signal?.aborted) {
      const now = Date.now();
      const why = await unhealthyBecause(file, a.region, a.primary, a.maxLagBytes ?? 1024 * 1024, signal).catch(
        (e: Error) => `the check failed (${e.message})`,
      );
      checks++;
      if (why) {
        healthySince = undefined;
        reason = why;
      } else healthySince ??= now;
      activityContext()?.heartbeat({ healthyForMs: healthySince ? Date.now() - healthySince : 0, reason: why ?? 'healthy' });
      if (healthySince !== undefined && Date.now() - healthySince >= minHealthyMs) {
        return {
          healthy: true,
          region: a.region,
          healthyForMs: Date.now() - healthySince,
          checks,
          reason: `${a.region} was healthy for ${Date.now() - healthySince} ms (app, and a caught-up standby of ${a.primary})`,
        };
      }
      if (Date.now() - started >= withinMs) break;
      await sleep(250, signal);
    }
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
    return {
      healthy: false,
      region: a.region,
      healthyForMs: healthySince ? Date.now() - healthySince : 0,
      checks,
      reason: `${a.region} was not healthy for ${a.minHealthy} within ${a.within}: last, ${reason}; traffic stays on ${a.primary}`,
    };
  },
});
