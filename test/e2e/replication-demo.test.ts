/**
 * `genie demo failover` as an operator runs it (a real CLI process: PostgreSQL regions,
 * apps, router; Ctrl-C removes everything), what it says when PostgreSQL is missing, and the
 * regions file's error messages.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseRegions, RegionsFileError, resolveNode } from '../../src/failover';
import { withNode } from '../../src/failover/sql';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

describe('genie demo failover (e2e)', function () {
  this.timeout(60_000);

  /** A failed assertion still stops the demo the operator's way, so it removes its servers and directory. */
  async function stopDemo(p: Spawned): Promise<void> {
    if (p.child.exitCode !== null) return;
    p.child.kill('SIGINT');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
    await p.exited;
    clearTimeout(timer);
  }

  it('starts two regions and the router, takes a write through it, and cleans up on SIGINT', async () => {
    // No GENIE_ROUTER_TOKEN: the demo generates one into its directory.
    const p = spawnGenie(['demo', 'failover', '--regions', '2'], { GENIE_ROUTER_TOKEN: undefined });
    try {
      await waitForOutput(p, /Ctrl-C stops/, 45_000);
      const out = p.output();
      const regionsFile = /GENIE_REGIONS=(\S+)/.exec(out)![1]!;
      const routerUrl = /Router: (http:\/\/\S+)/.exec(out)![1]!;
      const dir = /everything under (\S+)\)/.exec(out)![1]!;
      const regions = parseRegions(fs.readFileSync(regionsFile, 'utf8'), regionsFile);
      assert.deepEqual(
        regions.regions.map((r) => r.name),
        ['r1', 'r2'],
      );
      assert.equal(regions.route, 'app');
      const r = await fetch(`${routerUrl}/write`, { method: 'POST', body: JSON.stringify({ seq: 7 }) });
      assert.equal(r.status, 200);
      assert.deepEqual({ ...((await r.json()) as Record<string, unknown>), id: 0, lsn: '' }, { region: 'r1', seq: 7, id: 0, lsn: '' });
      const token = fs.readFileSync(`${dir}/router-token`, 'utf8').trim();
      assert.ok(token.length > 20 && !out.includes(token), 'the router token is never printed');
      p.child.kill('SIGINT');
      assert.equal((await p.exited).code, 0, p.output());
      assert.equal(fs.existsSync(dir), false, `${dir} removed`);
      for (const region of regions.regions) {
        const pidFile = `${region.postgres.dataDir}/postmaster.pid`;
        assert.equal(fs.existsSync(pidFile), false);
      }
    } finally {
      await stopDemo(p);
    }
  });

  it('--sync: the primary commits only with a synchronous standby (synchronous_standby_names set, a standby in sync), and SIGINT stops it cleanly', async () => {
    const p = spawnGenie(['demo', 'failover', '--sync'], { GENIE_ROUTER_TOKEN: undefined });
    try {
      await waitForOutput(p, /Ctrl-C stops/, 60_000);
      const out = p.output();
      const regionsFile = /GENIE_REGIONS=(\S+)/.exec(out)![1]!;
      const dir = /everything under (\S+)\)/.exec(out)![1]!;
      const regions = parseRegions(fs.readFileSync(regionsFile, 'utf8'), regionsFile);
      const r1 = await resolveNode(regions.regions.find((r) => r.name === 'r1')!.postgres);
      const [names] = await withNode(r1, (s) => s.query('SHOW synchronous_standby_names'), 10_000);
      assert.match(String(names!.synchronous_standby_names), /^ANY 1 \(.*r2.*\)$/);
      // The setting alone proves nothing if no standby is in the quorum: one must report sync state quorum/sync.
      const deadline = Date.now() + 15_000;
      let states: string[] = [];
      while (Date.now() < deadline) {
        states = (await withNode(r1, (s) => s.query('SELECT sync_state FROM pg_stat_replication'), 10_000)).map((r) => String(r.sync_state));
        if (states.some((x) => x === 'quorum' || x === 'sync')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(
        states.some((x) => x === 'quorum' || x === 'sync'),
        `standbys' sync states: ${states.join(', ')}`,
      );
      p.child.kill('SIGINT');
      assert.equal((await p.exited).code, 0, p.output());
      assert.equal(fs.existsSync(dir), false, `${dir} removed`);
    } finally {
      await stopDemo(p);
    }
  });

  it('says what to install when the PostgreSQL binaries are missing', async () => {
    const { code, output } = await genie(['demo', 'failover'], { GENIE_PG_BINDIR: '/nonexistent/pg/bin' });
    assert.equal(code, 1);
    assert.match(output, /PostgreSQL server binaries not found .*apt-get install -y postgresql/);
  });

  it('rejects bad regions files saying where and how to fix them', () => {
    const bad = (text: string, pattern: RegExp) =>
      assert.throws(
        () => parseRegions(text, 'regions.yaml'),
        (e: unknown) => e instanceof RegionsFileError && pattern.test(e.message),
      );
    bad(
      'regions: {r1: {postgres: {host: h, port: 5432, password: hunter2}}}',
      /regions\.yaml: regions\.r1\.postgres\.password: must be a secret:\/\/ reference/,
    );
    bad('regions: {r1: {postgres: {host: h}}}', /regions\.r1\.postgres\.port: required/);
    bad('regions: {r1: {postgres: {host: h, port: 1, dataDir: rel/dir}}}', /dataDir: must be an absolute path/);
    bad('regions: {r1: {app: x, postgres: {host: h, port: 1}}}', /regions\.r1\.app: unknown key \(known: appUrl, pool, postgres\)/);
    bad('route: app', /regions: must map each region name/);
    const ok = parseRegions('regions: {r1: {postgres: {host: h, port: 1, password: "secret://pg_r1"}}}');
    assert.deepEqual(ok.regions[0], { name: 'r1', pool: 'r1', postgres: { region: 'r1', host: 'h', port: 1, password: 'secret://pg_r1' } });
  });
});
