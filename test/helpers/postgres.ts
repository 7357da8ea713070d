/**
 * Test helpers around the real-PostgreSQL failover environment (src/failover/): one
 * environment per describe block (started in before, always stopped in after), the
 * "never two writable primaries" assertion, and one manual failover round (what the failover
 * runbook automates), for tests that need the data plane without the runbook.
 */
import * as assert from 'node:assert/strict';
import {
  clusterStatus,
  mostAdvancedStandby,
  PostgresAdapter,
  writableNodes,
  type FailoverEnvironment,
  type FailoverEnvironmentOptions,
  type RejoinResult,
} from '../../src/failover';
import { withNode } from '../../src/failover/sql';

export const adapter = new PostgresAdapter();

/** Starts an environment before the block's tests and stops it after them (also when they fail). */
export function useFailoverEnvironment(options: FailoverEnvironmentOptions = {}): () => FailoverEnvironment {
  let env: FailoverEnvironment | undefined;
  before(async function () {
    this.timeout(90_000);
    const { startFailoverEnvironment } = await import('../../src/failover');
    env = await startFailoverEnvironment(options);
  });
  after(async function () {
    this.timeout(30_000);
    await env?.stop();
  });
  return () => {
    if (!env) throw new Error('the failover environment did not start (see the before hook)');
    return env;
  };
}

/** At most one node accepts a real write: the invariant every failover test ends with. Returns the writable region. */
export async function assertAtMostOneWritable(env: FailoverEnvironment): Promise<string | undefined> {
  const writable = await writableNodes(
    adapter,
    env.regions.map((r) => r.spec),
  );
  assert.ok(writable.length <= 1, `more than one node accepts writes: ${writable.join(', ')}`);
  return writable[0];
}

/** Runs SQL on a region's node. */
export function sql(env: FailoverEnvironment, region: string, text: string, values?: unknown[]): Promise<Array<Record<string, any>>> {
  return withNode(env.region(region).spec, (s) => s.query(text, values), 10_000);
}

export interface FailoverRound {
  from: string;
  to: string;
  killedAt: number;
  promoteMs: number;
  /** Kill of the primary to traffic switched. */
  switchMs: number;
  repointed: RejoinResult[];
}

/**
 * One failover as the runbook does it, by hand: the primary region is killed (SIGKILL of its
 * app and every PostgreSQL process), the most advanced standby promoted, the other standbys
 * repointed to it, traffic switched. The old primary stays down (rejoin it with
 * rejoinOldPrimary).
 */
export async function killAndFailover(env: FailoverEnvironment, from: string): Promise<FailoverRound> {
  const killedAt = Date.now();
  await env.kill(from, 'SIGKILL');
  const others = env.regions.filter((r) => r.name !== from);
  const status = await clusterStatus(
    adapter,
    others.map((r) => r.spec),
    1_000,
  );
  const target = mostAdvancedStandby(status);
  assert.ok(target, `no reachable standby to promote: ${JSON.stringify(status.nodes)}`);
  const t0 = Date.now();
  const promoted = await adapter.promote(env.region(target.region).spec, { timeoutMs: 20_000 });
  assert.equal(promoted.promoted, true);
  const promoteMs = Date.now() - t0;
  const repointed = await Promise.all(
    others.filter((r) => r.name !== target.region).map((r) => adapter.rejoin(r.spec, env.region(target.region).spec, { timeoutMs: 30_000 })),
  );
  await env.switchTraffic(target.region);
  return { from, to: target.region, killedAt, promoteMs, switchMs: Date.now() - killedAt, repointed };
}

/** The killed old primary back as a standby of the current primary (its app restarted too). */
export async function rejoinOldPrimary(env: FailoverEnvironment, region: string, primary: string): Promise<RejoinResult> {
  const result = await adapter.rejoin(env.region(region).spec, env.region(primary).spec, { timeoutMs: 60_000 });
  await env.resume(region);
  return result;
}
