/**
 * Synchronous replication on real PostgreSQL (ANY 1 of the other regions acknowledges each
 * commit): under a steady write load through the router, the primary region is SIGKILLed
 * (app and every PostgreSQL process), the most advanced standby promoted, the other standby
 * repointed, traffic switched and the dead primary rejoined with pg_rewind — several rounds,
 * and not one acknowledged write may be missing from the new primary.
 */
import * as assert from 'node:assert/strict';
import { clusterStatus, missingAcknowledged, verifyReplicas, WriteLoad, WRITES_TABLE } from '../../src/failover';
import { adapter, assertAtMostOneWritable, killAndFailover, rejoinOldPrimary, useFailoverEnvironment } from '../helpers/postgres';

const ROUNDS = 3;

describe('synchronous replication: failover after SIGKILL loses no acknowledged write (e2e)', function () {
  this.timeout(120_000);
  const env = useFailoverEnvironment({ regions: 3, synchronous: true });

  it('reports the standbys as synchronous (quorum) candidates', async () => {
    const s = await clusterStatus(
      adapter,
      env().regions.map((r) => r.spec),
    );
    assert.equal(s.primary, 'r1');
    assert.deepEqual(
      s.nodes.filter((n) => n.role === 'standby').map((n) => n.syncState),
      ['quorum', 'quorum'],
    );
  });

  it(`${ROUNDS} rounds of kill -9 → promote → switch → rejoin, zero acknowledged writes lost`, async () => {
    const load = new WriteLoad({ url: env().routerUrl, intervalMs: 2, timeoutMs: 3_000 }).start();
    const rounds: Array<Record<string, unknown>> = [];
    try {
      let primary = 'r1';
      for (let round = 1; round <= ROUNDS; round++) {
        await load.waitForAcks(20);
        const failover = await killAndFailover(env(), primary);
        // The standby that was not promoted never had WAL the new primary lacks: it just follows.
        assert.deepEqual(
          failover.repointed.map((r) => r.method),
          ['repoint'],
        );
        await load.waitForAcks(20, 15_000);
        const lost = await missingAcknowledged(env().region(failover.to).spec, load.acks);
        assert.deepEqual(
          lost,
          [],
          `round ${round}: acknowledged writes missing on ${failover.to}: ${JSON.stringify(load.acks.filter((a) => lost.includes(a.seq)))} (the kill at ${failover.killedAt})`,
        );
        const rejoined = await rejoinOldPrimary(env(), primary, failover.to);
        assert.ok(['rewind', 'basebackup'].includes(rejoined.method), JSON.stringify(rejoined));
        assert.equal(await assertAtMostOneWritable(env()), failover.to);
        const gap = load.gapAround(Date.now() - 1);
        rounds.push({
          round,
          from: primary,
          to: failover.to,
          promoteMs: failover.promoteMs,
          killToSwitchMs: failover.switchMs,
          rejoin: rejoined.method,
          rejoinMs: rejoined.tookMs,
          acked: load.acks.length,
          lastAck: gap.lastBefore?.seq,
        });
        primary = failover.to;
      }
    } finally {
      const report = await load.stop();
      console.log(
        `      sync failover rounds: ${JSON.stringify(rounds)}; writes sent ${report.sent}, acknowledged ${report.acknowledged}, failed ${report.failed}`,
      );
    }
    const final = (
      await clusterStatus(
        adapter,
        env().regions.map((r) => r.spec),
      )
    ).primary!;
    assert.deepEqual(await missingAcknowledged(env().region(final).spec, load.acks), []);
    const v = await verifyReplicas(
      adapter,
      env().regions.map((r) => r.spec),
      { tables: [WRITES_TABLE] },
    );
    assert.equal(v.equal, true, JSON.stringify(v.differences));
    assert.ok(load.acks.length >= ROUNDS * 40);
  });

  it('fences a hung (SIGSTOPped) primary by killing it, after checking its identity on disk', async () => {
    const s = await clusterStatus(
      adapter,
      env().regions.map((r) => r.spec),
    );
    const primary = env().region(s.primary!);
    const identity = s.nodes.find((n) => n.region === primary.name)!.identity!;
    await env().kill(primary.name, 'SIGSTOP', 'postgres');
    const wrong = await adapter.fence(primary.spec, { expect: { systemIdentifier: '42' } }).catch((e) => e);
    assert.equal(wrong.code, 'WRONG_NODE');
    assert.ok(primary.pg.pid, 'a wrong identity leaves it alone');
    const fenced = await adapter.fence(primary.spec, { expect: { systemIdentifier: identity.systemIdentifier } });
    assert.equal(fenced.method, 'killed');
    assert.equal(fenced.fenced, true);
    assert.equal(primary.pg.pid, undefined);
    const again = await adapter.fence(primary.spec, { expect: identity });
    assert.deepEqual([again.method, again.alreadyFenced], ['notRunning', true]);
    assert.equal(await assertAtMostOneWritable(env()), undefined);
  });
});
