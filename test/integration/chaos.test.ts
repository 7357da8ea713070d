/**
 * Chaos experiments as durable runs on a real Temporal dev server, against a real router and
 * demo service under load: a stop condition breach ends the experiment early and rolls back
 * (verdict aborted, the breaching value in history, measured breach → removal); emergencyStop
 * removes every fault within 2 s (measured); a system not steady before gets no fault; dryRun
 * injects nothing; Chaos Toolkit experiments run and get the verdict Chaos Toolkit's rules give.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { actionCatalog } from '../../activities/registry';
import { readExperimentFile } from '../../src/chaos/ctk/load';
import { FaultStore } from '../../src/chaos/store';
import { loadRunbookFile } from '../../src/dsl/load';
import { projectRoot } from '../../src/paths';
import { startDemoService, type DemoService } from '../../src/demo/service';
import { RouterAdminClient } from '../../src/router/admin-client';
import { startRouter, type RunningRouter } from '../../src/router/server';
import { overrideUpdates, type RunbookResult } from '../../workflows/api';
import { startInline, waitForState } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

const TOKEN = 'chaos-integration-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LATENCY = loadRunbookFile(path.join(projectRoot, 'runbooks', 'chaos-latency.yaml'), actionCatalog).definition;

interface Report {
  verdict: string;
  reason: string;
  ctkStatus: string;
  breach?: { name: string; value: number; at: string };
  faults: { id: string; state: string; removedAt?: string; removal?: string }[];
  rolledBack: string[];
  probes: Record<string, unknown[]>;
}

function reportOf(result: RunbookResult): Report {
  if (result.outputs?.report) return result.outputs.report as Report;
  return result.steps.find((s) => s.id === 'finally.finalReport')?.output as Report;
}

describe('chaos experiments (real Temporal, router, load)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let dir: string;
  let router: RunningRouter;
  let service: DemoService;
  let admin: RouterAdminClient;
  let loading = true;
  let load: Promise<void>;
  const saved: Record<string, string | undefined> = {};
  const queue = uniqueQueue('chaos');
  const store = () => new FaultStore();

  before(async () => {
    env = await localEnv();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-chaos-it-'));
    service = await startDemoService({ name: 'canary', version: '1', port: 0 });
    router = await startRouter({
      token: TOKEN,
      config: { pools: { canary: { origins: [service.url] } }, routes: { web: { match: { pathPrefix: '/' }, weights: { canary: 100 } } } },
    });
    admin = new RouterAdminClient(router.adminUrl, TOKEN);
    for (const k of ['GENIE_CHAOS_DIR', 'GENIE_ROUTER_TOKEN', 'GENIE_ROUTER_ADMIN_URL', 'GENIE_COMMAND_ALLOWLIST', 'GENIE_CHAOS_TARGETS'])
      saved[k] = process.env[k];
    Object.assign(process.env, {
      GENIE_CHAOS_DIR: path.join(dir, 'faults'),
      GENIE_ROUTER_TOKEN: TOKEN,
      GENIE_ROUTER_ADMIN_URL: router.adminUrl,
      GENIE_COMMAND_ALLOWLIST: 'echo',
    });
    delete process.env.GENIE_CHAOS_TARGETS;
    // Steady traffic (about 40 requests a second) so the router's metrics mean something.
    load = (async () => {
      while (loading) {
        await Promise.all(
          Array.from({ length: 4 }, () =>
            fetch(router.url)
              .then((r) => r.arrayBuffer())
              .catch(() => undefined),
          ),
        );
        await sleep(100);
      }
    })();
    await sleep(1_000);
  });
  after(async () => {
    loading = false;
    await load;
    await router?.close();
    await service?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const faultsOf = (workflowId: string) =>
    store()
      .list()
      .filter((r) => r.owner.workflowId === workflowId);
  const poolFaults = async () => (await admin.getConfig()).config.pools.canary.faults ?? null;

  it('a stop condition breach ends the experiment early, rolls back, verdict aborted with the breaching value', async () => {
    const started = Date.now();
    const result = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, LATENCY, { params: { latency: '400ms', duration: '20s', maxP95Ms: 150, settle: '100ms' } });
      return handle.result();
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 15_000, `ended early: ${elapsed} ms of a 20 s fault`);
    const report = reportOf(result);
    assert.equal(report.verdict, 'aborted', report.reason);
    assert.equal(report.breach!.name, 'p95');
    assert.ok(report.breach!.value > 150, `breaching value ${report.breach!.value}`);
    const experiment = result.steps.find((s) => s.id === 'experiment')!;
    assert.equal(experiment.status, 'failed');
    assert.ok(JSON.stringify(experiment.error).includes(String(report.breach!.value)), 'the breaching value is in history');
    assert.equal(await poolFaults(), null, 'the latency is gone');
    const fault = report.faults[0];
    assert.equal(fault.state, 'removed');
    const breachToRemoved = Date.parse(fault.removedAt!) - Date.parse(report.breach!.at);
    console.log(`      breach measured → fault removed: ${breachToRemoved} ms (250 ms stop-condition interval)`);
    assert.ok(breachToRemoved <= 1_500, `removed ${breachToRemoved} ms after the breach`);
    assert.ok(report.probes.p95.length >= 2, 'probe values over time');
  });

  it('emergencyStop removes the fault within 2 s; rollbacks run; verdict aborted', async () => {
    await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, LATENCY, { params: { latency: '50ms', duration: '30s', maxP95Ms: 100_000 } });
      const deadline = Date.now() + 20_000;
      while (!faultsOf(handle.workflowId).some((r) => r.state === 'active')) {
        assert.ok(Date.now() < deadline, 'the fault never became active');
        await sleep(25);
      }
      assert.notEqual(await poolFaults(), null);
      const t0 = Date.now();
      await handle.executeUpdate(overrideUpdates.emergencyStop, { args: [{ by: 'alice', reason: 'customer impact' }] });
      while (faultsOf(handle.workflowId).some((r) => r.state !== 'removed')) {
        assert.ok(Date.now() - t0 < 2_000, 'not removed within 2 s');
        await sleep(10);
      }
      const removedIn = Date.now() - t0;
      console.log(`      emergencyStop → fault removed: ${removedIn} ms`);
      assert.equal(await poolFaults(), null);
      const result = await handle.result();
      assert.equal(result.status, 'aborted');
      assert.match(result.error!.message, /emergency stop by alice/);
      const report = reportOf(result);
      assert.equal(report.verdict, 'aborted');
      assert.equal(report.rolledBack.length, 1);
    });
  });

  it('a system not steady before the fault gets no fault', async () => {
    const result = await withWorker(env, queue, async () =>
      (await startInline(env, queue, LATENCY, { params: { maxErrorRate: -1, duration: '5s' }, workflowId: `not-steady-${Date.now()}` })).result(),
    );
    assert.equal(result.status, 'failed');
    assert.equal(result.error!.code, 'NOT_STEADY');
    const report = reportOf(result);
    assert.equal(report.verdict, 'aborted');
    assert.match(report.reason, /not steady before the fault, so nothing was injected/);
    assert.equal(report.faults.length, 0);
    assert.ok(!result.steps.some((s) => s.id === 'fault'), 'the fault step never ran');
  });

  it('dryRun evaluates everything and injects nothing', async () => {
    const result = await withWorker(env, queue, async () =>
      (await startInline(env, queue, LATENCY, { params: { dryRun: true, duration: '1s', settle: '100ms' } })).result(),
    );
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const fault = result.steps.find((s) => s.id === 'fault')!.output as { dryRun: boolean; targets: string[]; wouldUndo: unknown[] };
    assert.deepEqual([fault.dryRun, fault.targets], [true, ['canary']]);
    assert.equal(fault.wouldUndo.length, 1);
    assert.equal(reportOf(result).faults.length, 0, 'nothing in the fault store');
    assert.equal(await poolFaults(), null);
  });

  it('chaos-cpu: a real CPU burn held for its duration with onChaos probes; the latency held, verdict steady', async () => {
    const cpu = loadRunbookFile(path.join(projectRoot, 'runbooks', 'chaos-cpu.yaml'), actionCatalog).definition;
    const result = await withWorker(env, queue, async () =>
      (await startInline(env, queue, cpu, { params: { url: `${router.url}/`, duration: '1500ms', load: 50 } })).result(),
    );
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const report = result.outputs.report as Report;
    assert.equal(report.verdict, 'steady', report.reason);
    assert.ok(report.probes.latency.filter((p) => (p as { phase: string }).phase === 'during').length >= 1, 'probed while the CPU burned');
    const fault = result.steps.find((s) => s.id === 'fault')!.output as { ended: string; heldMs: number };
    assert.equal(fault.ended, 'duration');
    assert.ok(fault.heldMs >= 1_400, `held ${fault.heldMs} ms`);
    assert.deepEqual(
      report.faults.map((f) => f.state),
      ['removed'],
    );
  });

  it('chaos-partition: a real blackhole partition of a namespace; requests on the other path keep succeeding, verdict steady', async () => {
    const A = `genie-chaos-it${process.pid}a`;
    const B = `genie-chaos-it${process.pid}b`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    try {
      ip('netns', 'add', A);
      ip('netns', 'add', B);
    } catch (error) {
      throw new Error(
        `ip netns is not permitted here, so the partition runbook cannot be tested (needs root / CAP_NET_ADMIN): ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
      );
    }
    try {
      ip('-n', A, 'link', 'add', 'veth-a', 'type', 'veth', 'peer', 'name', 'veth-b', 'netns', B);
      for (const [ns, dev] of [
        [A, 'veth-a'],
        [B, 'veth-b'],
      ])
        ip('-n', ns, 'link', 'set', dev, 'up');
      const qdisc = () => execFileSync('tc', ['-n', A, 'qdisc', 'show', 'dev', 'veth-a'], { encoding: 'utf8' });
      const partition = loadRunbookFile(path.join(projectRoot, 'runbooks', 'chaos-partition.yaml'), actionCatalog).definition;
      let sawBlackhole = false;
      const result = await withWorker(env, queue, async () => {
        const handle = await startInline(env, queue, partition, { params: { link: `${A}/veth-a`, url: `${router.url}/`, duration: '1500ms' } });
        const done = handle.result();
        let finished = false;
        void done.finally(() => {
          finished = true;
        });
        while (!finished) {
          if (/blackhole 7a6e:/.test(qdisc())) sawBlackhole = true;
          await sleep(50);
        }
        return done;
      });
      assert.ok(sawBlackhole, 'the partition was in place during the run');
      assert.match(qdisc(), /noqueue 0:/, 'and gone after it');
      const report = result.outputs.report as Report;
      assert.equal(report.verdict, 'steady', report.reason);
      assert.ok(report.probes['requests succeed'].some((p) => (p as { phase: string }).phase === 'during'));
    } finally {
      for (const ns of [A, B]) spawnSync('ip', ['netns', 'del', ns]);
    }
  });

  describe('Chaos Toolkit experiments', () => {
    let server: http.Server;
    let base: string;
    const calls: string[] = [];
    let broken = false;
    before(async () => {
      server = http.createServer((req, res) => {
        calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
        req.resume();
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.url === '/health') return broken ? json(503, { status: 'down' }) : json(200, { status: 'ok' });
        if (req.url === '/errors') return json(200, 0);
        if (req.url === '/incidents') return json(200, { errors: [{ severity: 'high' }] });
        if (req.url === '/break') {
          broken = true;
          return json(200, {});
        }
        if (req.url === '/reset') {
          broken = false;
          return json(200, {});
        }
        return json(200, { slow: true });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    const runCtk = async (file: string): Promise<RunbookResult> => {
      const exp = readExperimentFile(path.join(projectRoot, 'test', 'fixtures', 'chaostoolkit', file), actionCatalog, { CTK_BASE_URL: base })!;
      return withWorker(env, queue, async () => (await startInline(env, queue, exp.definition, { params: exp.envValues })).result());
    };

    it('a steady experiment: verdict steady (Chaos Toolkit: completed); rollbacks ran; the secret stayed a reference', async () => {
      process.env.GENIE_SECRET_CTK_TOKEN = 'ctk-secret-value-123';
      try {
        const result = await runCtk('steady.json');
        assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
        assert.deepEqual([result.outputs.verdict, result.outputs.ctkStatus], ['steady', 'completed']);
        assert.ok(calls.includes('POST /reset '), 'the rollback ran');
        assert.ok(
          calls.some((c) => c.endsWith('Bearer ctk-secret-value-123')),
          'the secret reached the target',
        );
        assert.ok(!JSON.stringify(result).includes('ctk-secret-value-123'), 'and nowhere in the result');
      } finally {
        delete process.env.GENIE_SECRET_CTK_TOKEN;
      }
    });

    it('a method that breaks the service: verdict deviated (Chaos Toolkit: deviated); the rollback repaired it', async () => {
      const result = await runCtk('deviated.json');
      assert.deepEqual([result.outputs.verdict, result.outputs.ctkStatus], ['deviated', 'deviated']);
      assert.equal(broken, false, 'rolled back');
    });

    it('not steady before: verdict aborted (Chaos Toolkit: failed); the method never ran', async () => {
      calls.length = 0;
      const result = await runCtk('experiment.yaml');
      assert.equal(result.status, 'failed');
      const report = reportOf(result);
      assert.deepEqual([report.verdict, report.ctkStatus], ['aborted', 'failed']);
      assert.ok(!calls.some((c) => c.startsWith('POST /slow')), 'no method activity ran');
    });
  });
});
