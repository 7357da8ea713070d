/**
 * The replication actions against real PostgreSQL: three regions (r1 primary, r2 and r3
 * standbys streaming asynchronously), a region app each and the router in front. The tests
 * run in order, as one failover's life: status and lag, verify, fencing (and refusing the
 * wrong node), promotion (exactly once), rejoin. After every test at most one node accepts writes.
 */
import * as assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import * as replication from '../../activities/replication';
import { WRITES_TABLE } from '../../src/failover';
import { assertAtMostOneWritable, sql, useFailoverEnvironment } from '../helpers/postgres';

async function rejects(work: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure ${type}, got ${(error as Error).stack}`);
    assert.equal(error.type, type, error.message);
    return error;
  }
  assert.fail(`expected ${type}`);
}

async function post(url: string, seq: number): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/write`, { method: 'POST', body: JSON.stringify({ seq }) });
  return { status: r.status, body: await r.json() };
}

describe('replication actions on real PostgreSQL (e2e)', function () {
  this.timeout(60_000);
  const env = useFailoverEnvironment({ regions: 3 });
  const file = () => ({ regionsFile: env().regionsFile });
  let identity: { systemIdentifier: string; timeline: number };

  afterEach(async function () {
    if (this.currentTest?.state === 'passed') await assertAtMostOneWritable(env());
  });

  it('comes up with r1 primary and r2, r3 streaming from it', async () => {
    const s = await replication.status.run({ ...file() });
    assert.equal(s.primary, 'r1');
    assert.deepEqual(s.primaries, ['r1']);
    const [r1, r2, r3] = s.nodes;
    identity = r1!.identity!;
    assert.equal(identity.timeline, 1);
    for (const standby of [r2!, r3!]) {
      assert.equal(standby.role, 'standby');
      assert.equal(standby.upstream?.status, 'streaming');
      assert.equal(standby.upstream?.port, env().region('r1').pg.port);
      assert.equal(standby.syncState, 'async');
      assert.equal(standby.identity?.systemIdentifier, identity.systemIdentifier);
    }
    assert.deepEqual(
      r1!.replicas!.map((r) => r.name),
      ['r2', 'r3'],
    );
    // A write through the router lands on the primary.
    const w = await post(env().routerUrl, 1);
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.region, 'r1');
  });

  it('reports lag in bytes and seconds for a standby that stopped replaying, and verify sees the difference', async () => {
    // Start from replicas that have replayed everything so far, so the only difference is what follows.
    assert.equal((await replication.verify.run({ ...file() })).equal, true);
    await sql(env(), 'r3', 'SELECT pg_wal_replay_pause()');
    try {
      await lagAndDifference();
    } finally {
      // Later tests need r3 replaying again, whatever happened here.
      await sql(env(), 'r3', 'SELECT pg_wal_replay_resume()');
    }
    const same = await replication.verify.run({ ...file(), tables: [WRITES_TABLE, 'pg_catalog.pg_namespace'] });
    assert.equal(same.equal, true, JSON.stringify(same.differences));
    assert.equal(same.caughtUp, true);
    assert.equal(same.nodes.length, 3);
    assert.equal(same.nodes[0]!.tables[WRITES_TABLE]!.rows, 1001);
  });

  async function lagAndDifference(): Promise<void> {
    await new Promise((r) => setTimeout(r, 50));
    await sql(env(), 'r1', `INSERT INTO ${WRITES_TABLE} (seq, region, payload) SELECT g, 'r1', repeat('x', 200) FROM generate_series(1000, 1999) g`);
    let s = await replication.status.run({ ...file() });
    for (let i = 0; i < 100 && s.nodes[1]!.lagBytes !== 0; i++) s = await replication.status.run({ ...file() });
    const r2 = s.nodes.find((n) => n.region === 'r2')!;
    const r3 = s.nodes.find((n) => n.region === 'r3')!;
    assert.equal(r2.lagBytes, 0, 'r2 keeps up');
    assert.equal(r2.lagSeconds, 0);
    assert.equal(r3.replayPaused, true);
    assert.ok(r3.lagBytes! > 100_000, `r3 lags by ${r3.lagBytes} bytes`);
    assert.ok(r3.lagSeconds! > 0, `r3 lags by ${r3.lagSeconds} s`);

    const differ = await replication.verify.run({ ...file(), catchUpTimeout: '300ms' });
    assert.equal(differ.equal, false);
    assert.equal(differ.caughtUp, false);
    assert.equal(differ.reference, 'r1');
    assert.deepEqual(
      differ.differences.map((d) => [d.region, d.table, d.expectedRows - d.rows]),
      [['r3', WRITES_TABLE, 1000]],
    );
    await rejects(replication.verify.run({ ...file(), catchUpTimeout: '100ms', failOnMismatch: true }), 'REPLICAS_DIFFER');
  }

  it('refuses to fence a node whose identity is not the expected one, and to promote while the primary takes writes', async () => {
    await rejects(replication.fence.run({ ...file(), region: 'r1', expect: { systemIdentifier: '1234' } }), 'WRONG_NODE');
    await rejects(replication.fence.run({ ...file(), region: 'r1', expect: { systemIdentifier: identity.systemIdentifier, timeline: 7 } }), 'WRONG_NODE');
    const e = await rejects(replication.promote.run({ ...file(), region: 'r2' }), 'SPLIT_BRAIN_RISK');
    assert.match(e.message, /r1 still accepts writes; fence it first/);
    assert.equal((await post(env().region('r1').appUrl, 2)).status, 200, 'r1 still takes writes');
  });

  it('fences the old primary: traffic moved away first, then it refuses every write; fencing again is a no-op', async () => {
    await env().switchTraffic('r2');
    const fenced = await replication.fence.run({ ...file(), region: 'r1', expect: identity });
    assert.equal(fenced.fenced, true);
    assert.equal(fenced.method, 'readOnly');
    assert.equal(fenced.alreadyFenced, false);
    assert.deepEqual(fenced.identity, identity);
    const refused = await post(env().region('r1').appUrl, 3);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, '25006', 'read_only_sql_transaction');
    const again = await replication.fence.run({ ...file(), region: 'r1', expect: identity });
    assert.equal(again.alreadyFenced, true);
    assert.deepEqual(await replication.writable.run({ ...file() }), { writable: [], count: 0 });
  });

  it('promotes r2 exactly once: a second promote answers alreadyPrimary and the timeline does not move again', async () => {
    const first = await replication.promote.run({ ...file(), region: 'r2' });
    assert.equal(first.promoted, true);
    assert.equal(first.alreadyPrimary, false);
    assert.equal(first.identity.timeline, 2);
    const second = await replication.promote.run({ ...file(), region: 'r2' });
    assert.equal(second.promoted, false);
    assert.equal(second.alreadyPrimary, true);
    assert.equal(second.identity.timeline, 2);
    const w = await post(env().routerUrl, 4);
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.region, 'r2');
    assert.deepEqual(await replication.writable.run({ ...file() }), { writable: ['r2'], count: 1 });
  });

  it('rejoins r3 (repoint) and the fenced old primary r1 (pg_rewind) as standbys of r2 that replicate new writes', async function () {
    this.timeout(90_000);
    // r3 streamed from the fenced r1 until now; a read-only primary still writes a little WAL of its own
    // (standby snapshots, checkpoints) that r2 may not have had when it was promoted: then r3 is rewound
    // rather than repointed. (The synchronous test, whose old primary is dead, checks repointing.)
    const r3 = await replication.rejoin.run({ ...file(), region: 'r3', primary: 'r2' });
    assert.ok(['repoint', 'rewind'].includes(r3.method), JSON.stringify(r3));
    const r1 = await replication.rejoin.run({ ...file(), region: 'r1', primary: 'r2' });
    assert.equal(r1.method, 'rewind', JSON.stringify(r1));
    const again = await replication.rejoin.run({ ...file(), region: 'r1', primary: 'r2' });
    assert.equal(again.alreadyStandby, true);
    for (let seq = 10; seq < 20; seq++) assert.equal((await post(env().routerUrl, seq)).status, 200);
    const s = await replication.status.run({ ...file() });
    assert.equal(s.primary, 'r2');
    for (const name of ['r1', 'r3']) {
      const n = s.nodes.find((x) => x.region === name)!;
      assert.equal(n.role, 'standby');
      assert.equal(n.upstream?.port, env().region('r2').pg.port);
      assert.equal(n.identity?.timeline, 2);
    }
    const v = await replication.verify.run({ ...file() });
    assert.equal(v.equal, true, JSON.stringify(v.differences));
    assert.equal(v.reference, 'r2');
    // The rejoined node is no longer fenced read-only in its config: once promoted it would take writes.
    const [setting] = await sql(env(), 'r1', "SELECT count(*)::int AS n FROM pg_file_settings WHERE name = 'default_transaction_read_only'");
    assert.equal(setting!.n, 0);
  });

  it('rejects unknown regions and a missing regions file with messages that say how to fix them', async () => {
    const unknown = await replication.status.run({ ...file(), regions: ['nowhere'] }).catch((e) => e);
    assert.ok(unknown instanceof ApplicationFailure && unknown.nonRetryable);
    assert.match(unknown.message, /nowhere: no such region \(known: r1, r2, r3\)/);
    const saved = process.env.GENIE_REGIONS;
    delete process.env.GENIE_REGIONS;
    try {
      await rejects(replication.status.run({}), 'REGIONS_FILE');
    } finally {
      if (saved !== undefined) process.env.GENIE_REGIONS = saved;
    }
  });
});
