/**
 * `replication.*`: the PostgreSQL side of region failover, through the ReplicationAdapter
 * (src/failover/): status, promote, fence, verify, rejoin, and the split-brain check
 * `writable`. Runbooks name regions; where each region's node is comes from the regions
 * file on the worker (GENIE_REGIONS, or `regionsFile` per call), and a node's password only
 * from a secret:// reference in that file, resolved here, so no credential reaches history.
 *
 * Every action is idempotent, so Temporal may retry any of them:
 *   promote  a node that is already primary answers alreadyPrimary (never a second promotion);
 *            refuses while another node accepts writes (fence it first)
 *   fence    checks the node's identity (system identifier, timeline) before acting and
 *            refuses WRONG_NODE on a mismatch; a fenced, standby or stopped node is alreadyFenced.
 *            The router should stop routing to the region first (traffic.setWeights).
 *   rejoin   a node already streaming from the primary answers alreadyStandby
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { Duration } from '../src/dsl/types';
import {
  assertAtMostOneWritable,
  clusterStatus,
  promoteRegion,
  findRegion,
  PostgresAdapter,
  PostgresNotFoundError,
  regionsFromEnv,
  RegionsFileError,
  ReplicationError,
  resolveNode,
  verifyReplicas,
  writableNodes,
  WRITES_TABLE,
  type ReplicationAdapter,
  type ResolvedNode,
} from '../src/failover';
import { LocalNodeError } from '../src/failover/local-node';
import { SecretNotFoundError } from '../src/secrets';

/** The adapter the actions use; tests of the fast path may swap in another. */
let adapter: ReplicationAdapter = new PostgresAdapter();
export function useReplicationAdapter(next: ReplicationAdapter): void {
  adapter = next;
}

const RegionName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'A region in the regions file' });
const Common = {
  regionsFile: Type.Optional(Type.String({ minLength: 1, description: 'The regions file (default $GENIE_REGIONS on the worker)' })),
  timeout: Type.Optional(Duration),
};
const Identity = Type.Object(
  {
    systemIdentifier: Type.Optional(
      Type.String({ pattern: '^[0-9]+$', description: 'pg_control_system().system_identifier, as replication.status reports it' }),
    ),
    timeline: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** Our errors as failures a retry policy can act on. */
function failure(error: unknown): unknown {
  if (error instanceof ReplicationError) return ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: !error.retryable });
  if (error instanceof RegionsFileError || error instanceof PostgresNotFoundError || error instanceof SecretNotFoundError) {
    return ApplicationFailure.nonRetryable(error.message, (error as { code: string }).code);
  }
  if (error instanceof LocalNodeError)
    return ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: error.code === 'PG_NOT_LOCAL' });
  return error;
}

async function act<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await withHeartbeat(work());
  } catch (error) {
    throw failure(error);
  }
}

async function nodes(file: string | undefined, names?: string[]): Promise<ResolvedNode[]> {
  const regions = regionsFromEnv(file);
  const chosen = names && names.length > 0 ? names.map((n) => findRegion(regions, n)) : regions.regions;
  return Promise.all(chosen.map((r) => resolveNode(r.postgres)));
}

const one = async (file: string | undefined, name: string) => (await nodes(file, [name]))[0]!;
const budget = (timeout: string | undefined, fallbackMs: number) => timeBudgetMs(timeoutArg(timeout), fallbackMs, 2_000);

export const status = defineAction({
  name: 'replication.status',
  description:
    "Every region's node: role, writable, identity (system identifier, timeline), current/received/replayed LSNs, lag in bytes and seconds against the primary, sync state; plus which region is the primary.",
  args: Type.Object(
    { regions: Type.Optional(Type.Array(RegionName, { minItems: 1, description: 'Default: every region in the file' })), ...Common },
    { additionalProperties: false },
  ),
  defaults: { timeout: '15s', retry: { maxAttempts: 3, initialInterval: '200ms', backoff: 2 } },
  run: async (a) => act(async () => clusterStatus(adapter, await nodes(a.regionsFile, a.regions), Math.min(budget(a.timeout, 2_000), 5_000))),
});

export const promote = defineAction({
  name: 'replication.promote',
  description:
    "Promotes a region's standby (pg_promote) and waits until it accepts writes. Already primary → {alreadyPrimary: true}, nothing done. Refuses (SPLIT_BRAIN_RISK) while another region accepts writes; first lets it receive all WAL of a reachable fenced old primary (catchUp).",
  args: Type.Object(
    {
      region: RegionName,
      catchUp: Type.Optional(
        Type.String({
          pattern: '^(0|(\\d+(\\.\\d+)?(ms|s|m))+)$',
          description: 'How long to wait for the target to receive all WAL of a reachable, fenced old primary (default 5s; 0 = do not wait)',
        }),
      ),
      ...Common,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '1m', retry: { maxAttempts: 3, initialInterval: '500ms', backoff: 2 } },
  run: async (a) =>
    act(async () =>
      promoteRegion(adapter, await nodes(a.regionsFile), a.region, {
        timeoutMs: budget(a.timeout, 30_000),
        ...(a.catchUp !== undefined ? { catchUpMs: a.catchUp === '0' ? 0 : (timeoutArg(a.catchUp) ?? 0) } : {}),
      }),
    ),
});

export const fence = defineAction({
  name: 'replication.fence',
  description:
    "Makes a region's (old) primary unable to accept writes: read-only (ALTER SYSTEM default_transaction_read_only + ending its sessions) or stopped; a hung local node is killed. Checks its identity first (expect).",
  args: Type.Object(
    {
      region: RegionName,
      expect: Type.Optional(Identity),
      mode: Type.Optional(Type.Union([Type.Literal('readOnly'), Type.Literal('stop')], { default: 'readOnly' })),
      killUnreachable: Type.Optional(Type.Boolean({ description: 'Kill a local node that does not answer SQL (default true)' })),
      ...Common,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '1m', retry: { maxAttempts: 3, initialInterval: '500ms', backoff: 2 } },
  run: async (a) =>
    act(async () =>
      adapter.fence(await one(a.regionsFile, a.region), {
        ...(a.expect ? { expect: a.expect } : {}),
        mode: a.mode ?? 'readOnly',
        ...(a.killUnreachable !== undefined ? { killUnreachable: a.killUnreachable } : {}),
        timeoutMs: budget(a.timeout, 20_000),
      }),
    ),
});

export const verify = defineAction({
  name: 'replication.verify',
  description:
    'After the standbys replay up to the primary, compares row counts and checksums of the tables on every reachable region: {equal, caughtUp, differences}.',
  args: Type.Object(
    {
      tables: Type.Optional(
        Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$' }), {
          minItems: 1,
          description: `Default [${WRITES_TABLE}]`,
        }),
      ),
      regions: Type.Optional(Type.Array(RegionName, { minItems: 2 })),
      catchUpTimeout: Type.Optional(Duration),
      failOnMismatch: Type.Optional(Type.Boolean({ description: 'Fail the step (REPLICAS_DIFFER) when they differ (default false: report)' })),
      ...Common,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '2m', retry: { maxAttempts: 2, initialInterval: '1s', backoff: 2 } },
  run: async (a) =>
    act(async () => {
      const result = await verifyReplicas(adapter, await nodes(a.regionsFile, a.regions), {
        tables: a.tables ?? [WRITES_TABLE],
        catchUpTimeoutMs: timeoutArg(a.catchUpTimeout) ?? 10_000,
      });
      if (!result.equal && a.failOnMismatch) {
        throw ApplicationFailure.create({
          type: 'REPLICAS_DIFFER',
          nonRetryable: true,
          message: `replicas differ: ${result.differences.map((d) => `${d.region}.${d.table} ${d.rows} rows (expected ${d.expectedRows})`).join('; ')}${result.caughtUp ? '' : ' (a standby had not caught up)'}`,
          details: [result],
        });
      }
      return result;
    }),
});

export const rejoin = defineAction({
  name: 'replication.rejoin',
  description:
    'Makes a region (typically the old primary, fenced) a standby streaming from the new primary: repoint a running standby, else pg_rewind, else a fresh pg_basebackup (method auto). Already streaming from it → {alreadyStandby: true}.',
  args: Type.Object(
    {
      region: RegionName,
      primary: RegionName,
      method: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('rewind'), Type.Literal('basebackup')], { default: 'auto' })),
      ...Common,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '5m', retry: { maxAttempts: 2, initialInterval: '2s', backoff: 2 } },
  run: async (a) =>
    act(async () => {
      const [node, primary] = await Promise.all([one(a.regionsFile, a.region), one(a.regionsFile, a.primary)]);
      return adapter.rejoin(node, primary, { method: a.method ?? 'auto', timeoutMs: budget(a.timeout, 120_000) });
    }),
});

export const writable = defineAction({
  name: 'replication.writable',
  description: 'The regions that accept a real (rolled back) write right now; fails SPLIT_BRAIN_RISK when more than one does (unless allowMany).',
  args: Type.Object(
    { regions: Type.Optional(Type.Array(RegionName, { minItems: 1 })), allowMany: Type.Optional(Type.Boolean()), ...Common },
    { additionalProperties: false },
  ),
  defaults: { timeout: '15s', retry: { maxAttempts: 3, initialInterval: '200ms', backoff: 2 } },
  run: async (a) =>
    act(async () => {
      const all = await nodes(a.regionsFile, a.regions);
      const regions = a.allowMany ? await writableNodes(adapter, all) : await assertAtMostOneWritable(adapter, all);
      return { writable: regions, count: regions.length };
    }),
});
