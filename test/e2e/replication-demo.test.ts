/**
 * `genie demo failover` as an operator runs it (a real CLI process: PostgreSQL regions,
 * apps, router; Ctrl-C removes everything), what it says when PostgreSQL is missing, and the
 * regions file's error messages.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseRegions, RegionsFileError } from '../../src/failover';
import { genie, spawnGenie, waitForOutput } from '../helpers/processes';

describe('genie demo failover (e2e)', function () {
  this.timeout(60_000);

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
      assert.deepEqual(regions.regions.map((r) => r.name), ['r1', 'r2']);
      assert.equal(regions.route, 'app');
      const r = await fetch(`${routerUrl}/write`, { method: 'POST', body: JSON.stringify({ seq: 7 }) });
      assert.equal(r.status, 200);
      assert.deepEqual({ ...(await r.json() as Record<string, unknown>), id: 0, lsn: '' }, { region: 'r1', seq: 7, id: 0, lsn: '' });
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
      // A failed assertion still stops the demo the operator's way, so it removes its servers and directory.
      if (p.child.exitCode === null) {
        p.child.kill('SIGINT');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
        await p.exited;
        clearTimeout(timer);
      }
    }
  });

  it('says what to install when the PostgreSQL binaries are missing', async () => {
    const { code, output } = await genie(['demo', 'failover'], { GENIE_PG_BINDIR: '/nonexistent/pg/bin' });
    assert.equal(code, 1);
    assert.match(output, /PostgreSQL server binaries not found .*apt-get install -y postgresql/);
  });

  it('rejects bad regions files saying where and how to fix them', () => {
    const bad = (text: string, pattern: RegExp) => assert.throws(() => parseRegions(text, 'regions.yaml'), (e: unknown) => e instanceof RegionsFileError && pattern.test(e.message));
    bad('regions: {r1: {postgres: {host: h, port: 5432, password: hunter2}}}', /regions\.yaml: regions\.r1\.postgres\.password: must be a secret:\/\/ reference/);
    bad('regions: {r1: {postgres: {host: h}}}', /regions\.r1\.postgres\.port: required/);
    bad('regions: {r1: {postgres: {host: h, port: 1, dataDir: rel/dir}}}', /dataDir: must be an absolute path/);
    bad('regions: {r1: {app: x, postgres: {host: h, port: 1}}}', /regions\.r1\.app: unknown key \(known: appUrl, pool, postgres\)/);
    bad('route: app', /regions: must map each region name/);
    const ok = parseRegions('regions: {r1: {postgres: {host: h, port: 1, password: "secret://pg_r1"}}}');
    assert.deepEqual(ok.regions[0], { name: 'r1', pool: 'r1', postgres: { region: 'r1', host: 'h', port: 1, password: 'secret://pg_r1' } });
  });
});
