/**
 * The shipped canary-rollout runbook against real parts: the traffic router and demo services
 * as supervised processes, a Temporal dev server, Genie workers as separate processes (so one
 * can be SIGKILLed), and live load through the router. What an SRE relies on: a bad canary is
 * rolled back by itself, a good one is promoted, a dead worker does not lose the rollback, an
 * abort restores the weights, and no traffic never counts as a pass.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { get as trafficGet, metrics as trafficMetrics, setWeights } from '../../activities/traffic';
import { demoServiceProcess, startDemoEnvironment, type DemoEnvironment } from '../../src/demo/environment';
import { startRunbook } from '../../src/temporal/runs';
import { stateQuery, type RunbookResult } from '../../workflows/api';
import { waitForState } from '../helpers/runbooks';
import { freePort } from '../helpers/ports';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { localEnv, uniqueQueue } from '../helpers/temporal';

const TOKEN = 'canary-e2e-router-token';
const ROUTE = 'app';

/** Steady requests through the router, counting answers by status. */
class Load {
  private stopped = true;
  statuses: number[] = [];
  constructor(private readonly url: string) {}
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      while (!this.stopped) {
        try {
          const r = await request(`${this.url}/items/1`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
          await r.body.dump();
          this.statuses.push(r.statusCode);
        } catch {
          this.statuses.push(0);
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    void loop();
    void loop();
  }
  stop(): void {
    this.stopped = true;
  }
}

describe('canary rollout (router, demo services, Temporal, worker processes)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let demo: DemoEnvironment;
  let processDir: string;
  let load: Load;
  let ports: { stable: number; canary: number };
  const queue = uniqueQueue('canary');
  const workers: Spawned[] = [];
  const saved = { url: process.env.GENIE_ROUTER_ADMIN_URL, token: process.env.GENIE_ROUTER_TOKEN };

  async function startWorker(): Promise<Spawned> {
    const w = spawnGenie(['worker'], workerEnv());
    workers.push(w);
    await waitForOutput(w, /worker polling/);
    return w;
  }
  function workerEnv(): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: env.address,
      GENIE_TASK_QUEUE: queue,
      GENIE_PROCESS_DIR: processDir,
      GENIE_ROUTER_ADMIN_URL: demo.router.adminUrl,
      GENIE_ROUTER_TOKEN: TOKEN,
      GENIE_DEPLOY_PORTS: `stable=${ports.stable},canary=${ports.canary}`,
    };
  }
  /** The result, or (when it takes too long) a failure showing where the run stands. */
  async function finished(handle: Awaited<ReturnType<typeof rollout>>, ms = 90_000): Promise<RunbookResult> {
    const timer = new Promise<never>((_, reject) =>
      setTimeout(async () => {
        const state = await handle.query(stateQuery).catch((e) => String(e));
        const logs = workers.map((w) => w.output().slice(-4000)).join('\n---\n');
        reject(new Error(`no result within ${ms} ms; state: ${JSON.stringify(state, null, 1)}\nworker output:\n${logs}`));
      }, ms),
    );
    return Promise.race([handle.result(), timer]);
  }
  const weights = async () => ((await trafficGet.run({ route: ROUTE })) as { weights: Record<string, number> }).weights;
  const running = (name: string) => demo.supervisor.status(name).running;
  const rollout = (params: Record<string, unknown>) =>
    startRunbook(env.client, {
      runbook: 'canary-rollout',
      params: { analysisInterval: '1s', ...params },
      requestedBy: 'release-bot',
      taskQueue: queue,
      searchAttributes: true,
    });

  before(async () => {
    env = await localEnv();
    processDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-canary-'));
    ports = { stable: await freePort(), canary: await freePort() };
    demo = await startDemoEnvironment({
      routerPort: await freePort(),
      routerAdminPort: await freePort(),
      stablePort: ports.stable,
      canaryPort: ports.canary,
      token: TOKEN,
      processDir,
      route: ROUTE,
    });
    process.env.GENIE_ROUTER_ADMIN_URL = demo.router.adminUrl;
    process.env.GENIE_ROUTER_TOKEN = TOKEN;
    load = new Load(demo.router.url);
    await startWorker();
  });

  const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  beforeEach(async function () {
    if (alive().length === 0) await startWorker();
    // Every rollout starts from v1 on stable with all the traffic.
    await demo.supervisor.start(demoServiceProcess({ service: 'stable', version: '1.0.0', port: ports.stable }), { readyTimeoutMs: 15_000 });
    await setWeights.run({ route: ROUTE, weights: { stable: 100, canary: 0 } });
    // The router's windows are per pool, not per version: a bad canary's errors stay in the canary
    // pool's 10 s window for a while, and the next canary would be judged on them.
    const deadline = Date.now() + 15_000;
    while (((await trafficMetrics.run({ pool: 'canary', window: '10s' })) as { stats: { errors: number } }).stats.errors > 0) {
      if (Date.now() > deadline) throw new Error('the canary pool still shows errors after 15 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    load.statuses = [];
    if (!/no traffic/.test(this.currentTest?.title ?? '')) load.start();
  });

  after(async () => {
    load?.stop();
    for (const w of workers) w.child.kill('SIGKILL');
    await demo?.supervisor.stop('stable').catch(() => undefined);
    await demo?.supervisor.stop('canary').catch(() => undefined);
    await demo?.stop();
    for (const [key, value] of [
      ['GENIE_ROUTER_ADMIN_URL', saved.url],
      ['GENIE_ROUTER_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(processDir, { recursive: true, force: true });
  });

  it('with no traffic the judgement is inconclusive, never a pass, and waits for a decision', async () => {
    // First in this file, before any load: neither pool has served a request yet.
    const handle = await rollout({ version: '2.4.0', weights: [10], stepPause: '500ms', judgeRounds: 3 });
    const state = await waitForState(handle, (s) => s.status === 'waiting_decision', 90_000);
    const judge = state.steps.find((s) => s.stepId === 'judge')!;
    assert.equal((judge.output as { verdict: string }).verdict, 'Inconclusive');
    assert.match(judge.note ?? '', /inconclusive/);
    assert.deepEqual(await weights(), { stable: 90, canary: 10 }, 'not promoted');
    const cli = await genie(['abort', handle.workflowId, '--as', 'bob', '--reason', 'no traffic to judge'], { TEMPORAL_ADDRESS: env.address });
    assert.equal(cli.code, 0, cli.output);
    const result = await finished(handle);
    assert.equal(result.status, 'aborted');
    assert.deepEqual(await weights(), { stable: 100, canary: 0 });
  });

  it('promotes a healthy canary to 100% and retires the stable version', async () => {
    const handle = await rollout({ version: '2.0.0', weights: [20], stepPause: '2s', judgeRounds: 3 });
    const result = await finished(handle);
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.deepEqual(await weights(), { stable: 0, canary: 100 });
    assert.equal(running('stable'), false, 'stable retired');
    assert.equal(demo.supervisor.status('canary').version, '2.0.0');
    assert.equal((result.outputs.judgement as { verdict: string }).verdict, 'Successful');
    assert.ok(load.statuses.length > 50, `load ran (${load.statuses.length} requests)`);
    assert.deepEqual(
      load.statuses.filter((st) => st === 0 || st >= 500),
      [],
      'no request failed while weights changed and stable retired',
    );
    const served = await request(`${demo.router.url}/items/1`);
    assert.equal(((await served.body.json()) as { version: string }).version, '2.0.0');
  });

  it('rolls back a canary answering 20% errors by itself: weights 100/0, canary stopped', async () => {
    const handle = await rollout({ version: '2.1.0', weights: [20, 50], stepPause: '1m', demo: { errorRate: 0.2 } });
    const result = await finished(handle);
    assert.equal(result.status, 'rolled_back', JSON.stringify(result.error));
    assert.equal(result.error?.code, 'ANALYSIS_FAILED');
    const verdict = result.steps.find((s) => s.stepId === 'watch')?.error?.details as {
      verdict: string;
      metrics: { name: string; verdict: string; measurements: { value: number }[] }[];
    };
    assert.equal(verdict.verdict, 'Failed');
    const errorRate = verdict.metrics.find((m) => m.name === 'error-rate')!;
    assert.equal(errorRate.verdict, 'Failed');
    assert.ok(errorRate.measurements.at(-1)!.value > 0.05, 'the breaching value is in history');
    assert.deepEqual(await weights(), { stable: 100, canary: 0 });
    assert.equal(running('canary'), false, 'canary stopped');
    assert.equal(result.steps.find((s) => s.stepId === 'shift')?.status, 'cancelled', 'the 1 minute pause did not run out');
  });

  it('a worker SIGKILLed right after a weight change does not lose the rollback', async () => {
    const [first] = alive();
    // A 10 s analysis interval: the kill lands well before the next measurement could see the errors.
    const handle = await rollout({ version: '2.2.0', weights: [30], stepPause: '1m', demo: { errorRate: 0.5 }, analysisInterval: '10s' });
    await waitForState(handle, (s) => s.steps.some((st) => st.stepId === 'setWeight' && st.status === 'succeeded'), 60_000);
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    assert.deepEqual(await weights(), { stable: 70, canary: 30 }, 'the bad canary takes traffic while no worker runs');
    await startWorker();
    const result = await finished(handle);
    assert.equal(result.status, 'rolled_back', JSON.stringify(result.error));
    assert.deepEqual(await weights(), { stable: 100, canary: 0 });
    assert.equal(running('canary'), false);
    assert.equal(result.steps.filter((s) => s.stepId === 'deploy').length, 1);
  });

  it('abort mid-rollout restores the weights; the record shows who aborted and why', async () => {
    const handle = await rollout({ version: '2.3.0', weights: [30], stepPause: '5m' });
    await waitForState(handle, (s) => s.steps.some((st) => st.stepId === 'hold' && st.status === 'waiting'), 60_000);
    assert.deepEqual(await weights(), { stable: 70, canary: 30 });
    const cli = await genie(['abort', handle.workflowId, '--as', 'alice', '--reason', 'customer reports from EU'], { TEMPORAL_ADDRESS: env.address });
    assert.equal(cli.code, 0, cli.output);
    const result = await finished(handle);
    assert.equal(result.status, 'aborted');
    assert.match(result.error?.message ?? '', /aborted by alice: customer reports from EU/);
    assert.ok(result.overrides.some((o) => o.action === 'abort' && o.by === 'alice' && o.reason === 'customer reports from EU' && o.accepted));
    assert.deepEqual(await weights(), { stable: 100, canary: 0 });
    assert.equal(running('canary'), false);
  });

  const blueGreen = (params: Record<string, unknown>) =>
    startRunbook(env.client, {
      runbook: 'blue-green',
      params: { analysisInterval: '1s', analysisRounds: 3, ...params },
      requestedBy: 'release-bot',
      taskQueue: queue,
      searchAttributes: true,
    });

  it('blue-green: switches all traffic to a healthy green, and promote ends the rollback window and retires blue', async () => {
    const handle = await blueGreen({ version: '3.0.0', rollbackWindow: '5m' });
    await waitForState(handle, (s) => s.steps.some((st) => st.stepId === 'window' && st.status === 'waiting'), 60_000);
    assert.deepEqual(await weights(), { stable: 0, canary: 100 });
    assert.equal(running('stable'), true, 'blue kept during the rollback window');
    const cli = await genie(['promote', handle.workflowId, '--as', 'carol', '--reason', 'green looks good'], { TEMPORAL_ADDRESS: env.address });
    assert.equal(cli.code, 0, cli.output);
    const result = await finished(handle);
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.outputs.verdict, 'Successful');
    assert.equal(running('stable'), false, 'blue retired');
    assert.deepEqual(
      load.statuses.filter((st) => st === 0 || st >= 500),
      [],
      'no request failed during the switch',
    );
  });

  it('blue-green: a green failing its post-promotion analysis is switched back to blue in one step', async () => {
    const handle = await blueGreen({ version: '3.1.0', rollbackWindow: '5m', demo: { errorRate: 0.5 } });
    const result = await finished(handle);
    assert.equal(result.status, 'rolled_back', JSON.stringify(result.error));
    assert.equal(result.error?.code, 'ANALYSIS_FAILED');
    assert.deepEqual(await weights(), { stable: 100, canary: 0 });
    assert.equal(running('canary'), false, 'green stopped');
    assert.equal(running('stable'), true, 'blue serves again');
  });
});
