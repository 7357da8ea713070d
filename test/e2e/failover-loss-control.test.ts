/**
 * Negative control for the RPO checker (missingAcknowledged, the one `npm run bench:failover`
 * and the synchronous zero-loss test trust): with asynchronous replication and a standby that
 * has stopped keeping up, a failover really loses acknowledged writes, and the checker must
 * say so. A checker that cannot see loss would make every "0 lost" meaningless.
 *
 * The standby's WAL receiver is cut off (primary_conninfo emptied and reloaded) and its replay
 * paused (pg_wal_replay_pause): pausing replay alone is not enough, because a promotion ends
 * the pause and replays every WAL record the standby already received.
 */
import * as assert from 'node:assert/strict';
import { WriteLoad, missingAcknowledged } from '../../src/failover';
import { assertAtMostOneWritable, killAndFailover, sql, useFailoverEnvironment } from '../helpers/postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RPO checker negative control: async standby that stopped replaying loses writes, and the checker sees it (e2e)', function () {
  this.timeout(90_000);
  const env = useFailoverEnvironment({ regions: 2, upstreamTimeout: '1s' });

  it('reports the acknowledged writes the promoted standby lacks', async () => {
    const e = env();
    const load = new WriteLoad({ url: e.routerUrl, intervalMs: 5, timeoutMs: 2_000 }).start();
    await load.waitForAcks(20);
    const [standby] = await sql(e, 'r2', 'SELECT pg_is_in_recovery() AS standby');
    assert.equal(standby!.standby, true);
    // The receiver first: a paused startup process does not act on a changed primary_conninfo.
    await sql(e, 'r2', "ALTER SYSTEM SET primary_conninfo = ''");
    await sql(e, 'r2', 'SELECT pg_reload_conf()');
    // Writes r1 acknowledges from here on never reach r2.
    const deadline = Date.now() + 10_000;
    while ((await sql(e, 'r2', 'SELECT count(*)::int AS n FROM pg_stat_wal_receiver'))[0]!.n > 0) {
      assert.ok(Date.now() < deadline, 'r2 WAL receiver still running 10 s after primary_conninfo was emptied');
      await sleep(50);
    }
    await sql(e, 'r2', 'SELECT pg_wal_replay_pause()');
    const cutAt = Date.now();
    await load.waitForAcks(50);
    const round = await killAndFailover(e, 'r1');
    await sleep(300);
    const report = await load.stop();
    assert.equal(round.to, 'r2');
    const lost = await missingAcknowledged(e.region('r2').spec, report.acks);
    const ackedAfterCut = report.acks.filter((a) => a.region === 'r1' && a.at > cutAt).length;
    console.log(`      ${report.acknowledged} acknowledged, ${lost.length} lost (${ackedAfterCut} acknowledged by r1 after the standby was cut off)`);
    assert.ok(ackedAfterCut >= 50, `${ackedAfterCut} writes acknowledged by r1 after the cut`);
    assert.ok(
      lost.length >= ackedAfterCut,
      `the checker saw ${lost.length} lost writes; at least the ${ackedAfterCut} r1 acknowledged after the cut are missing on r2`,
    );
    // Writes acknowledged after the failover landed on r2, so the checker does not flag everything.
    const afterFailover = report.acks.filter((a) => a.region === 'r2');
    assert.ok(afterFailover.length > 0 && afterFailover.every((a) => !lost.includes(a.seq)), 'writes acknowledged by r2 are not counted as lost');
    assert.equal(await assertAtMostOneWritable(e), 'r2');
  });
});
