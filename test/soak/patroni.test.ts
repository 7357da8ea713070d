/**
 * Smoke test of the Patroni side of the failover bench, all real: etcd (Debian etcd-server),
 * three Patroni 4.0.4 members running PostgreSQL, HAProxy routing by GET /primary, the region
 * app writing through it. One kill failover: the leader's whole region (Patroni + PostgreSQL)
 * is SIGKILLed; another member must take the leader key once its TTL (20 s, Patroni's
 * minimum) runs out, and writes through HAProxy must resume. Asynchronous replication:
 * with synchronous_mode on, this setup never got a sync standby assigned (see the bench notes). Needs `npm run setup:patroni`:
 * without it the cluster refuses to start and the test fails saying so (never skipped).
 */
import * as assert from 'node:assert/strict';
import { WriteLoad } from '../../src/failover';
import { PATRONI_SETTINGS, startPatroniCluster, type PatroniCluster } from '../../src/failover/patroni/cluster';

describe('Patroni cluster for the failover bench (real etcd, Patroni, PostgreSQL, HAProxy)', function () {
  this.timeout(240_000);
  let cluster: PatroniCluster | undefined;

  after(async () => {
    await cluster?.stop();
  });

  it('fails over a killed leader within ttl + a bound, and writes through HAProxy resume', async () => {
    cluster = await startPatroniCluster({ synchronous: false });
    const from = await cluster.waitForLeader();
    const load = new WriteLoad({ url: cluster.appUrl, intervalMs: 5, timeoutMs: 3_000 }).start();
    await load.waitForAcks(20, 30_000);
    // Kill only once every replica streams the leader's WAL (the writes table included): else the trial measures a broken standby.
    await Promise.all(cluster.members.filter((m) => m.name !== from).map((m) => cluster!.waitForReplica(m.name)));
    const at = Date.now();
    cluster.killMember(from);
    const to = await cluster.waitForLeader({ not: from, timeoutMs: 90_000 });
    const switchMs = Date.now() - at;
    await load.waitForAcks(5, 30_000);
    const report = await load.stop();
    const gap = load.gapAround(at).gapMs!;
    assert.notEqual(to, from);
    // The leader key lives ttl seconds after the last renewal; loop_wait + retry_timeout is the slack Patroni itself allows.
    const bound = (PATRONI_SETTINGS.ttl + PATRONI_SETTINGS.loop_wait + PATRONI_SETTINGS.retry_timeout) * 1000 + 5_000;
    assert.ok(switchMs < bound, `new leader after ${switchMs} ms, bound ${bound} ms`);
    assert.ok(gap >= switchMs - 1_000, `write RTO ${gap} ms cannot be shorter than the leader change (${switchMs} ms)`);
  });
});
