/**
 * replication.rejoin's last resort, forced: the old primary of a failover cannot be rewound
 * (its pg_rewind is a stand-in that always fails, as pg_rewind does when WAL is gone or the
 * timelines do not fit), so method auto must fall back to a fresh pg_basebackup and still
 * bring it back as a streaming, caught-up standby of the new primary. Real PostgreSQL.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REQUIRED_BINARIES, postgresBindir } from '../../src/failover/binaries';
import { adapter, killAndFailover, sql, useFailoverEnvironment } from '../helpers/postgres';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('replication.rejoin: basebackup fallback when pg_rewind is impossible (e2e)', function () {
  this.timeout(90_000);
  const env = useFailoverEnvironment({ regions: 2 });
  let bindir: string;
  before(() => {
    // The real binaries, except a pg_rewind that always fails.
    bindir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-no-rewind-'));
    fs.chmodSync(bindir, 0o755);
    const real = env().region('r1').spec.bindir ?? postgresBindir();
    for (const b of REQUIRED_BINARIES) if (b !== 'pg_rewind') fs.symlinkSync(path.join(real, b), path.join(bindir, b));
    fs.writeFileSync(path.join(bindir, 'pg_rewind'), '#!/bin/sh\necho "pg_rewind: error: rewinding made impossible by the test" >&2\nexit 1\n', {
      mode: 0o755,
    });
  });
  after(() => fs.rmSync(bindir, { recursive: true, force: true }));

  it('rejoins the old primary by pg_basebackup, streaming and caught up', async () => {
    const e = env();
    await sql(e, 'r1', "INSERT INTO genie_writes (seq, region) VALUES (1, 'r1')");
    await until(async () => (await sql(e, 'r2', 'SELECT 1 FROM genie_writes WHERE seq = 1')).length === 1, 'r2 replays the first write');
    await killAndFailover(e, 'r1');
    await sql(e, 'r2', "INSERT INTO genie_writes (seq, region) VALUES (2, 'r2')");
    const r1 = { ...e.region('r1').spec, bindir };
    const result = await adapter.rejoin(r1, e.region('r2').spec, { method: 'auto', timeoutMs: 60_000 });
    assert.equal(result.method, 'basebackup', JSON.stringify(result));
    assert.match(result.fallbackReason ?? '', /rewinding made impossible by the test/);
    const status = await adapter.status(e.region('r1').spec);
    assert.equal(status.role, 'standby');
    await until(
      async () => (await sql(e, 'r1', 'SELECT seq FROM genie_writes WHERE seq IN (1, 2)')).length === 2,
      'r1 has the write from before the failover and the one r2 took after it',
    );
    const [standby] = await sql(e, 'r2', "SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'");
    assert.equal(standby!.n, 1, 'r1 streams from r2');
  });
});
