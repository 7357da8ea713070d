/**
 * The region-failover runbook on a real Temporal dev server with a real worker process and
 * real regions: the primary region is SIGKILLed, and the worker is SIGKILLed too, the moment
 * the monitor has written its intent to promote. A new worker finishes the same failover:
 * exactly one promotion (the new primary is on timeline 2), the run completes, traffic and
 * a test write go to the new primary, and at most one node accepts writes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue } from '../helpers/temporal';
import { startInline, waitForState } from '../helpers/runbooks';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { adapter, assertAtMostOneWritable, useFailoverEnvironment } from '../helpers/postgres';
import type { FailoverIntent } from '../../src/quorum';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('region-failover runbook: worker SIGKILL during promotion (e2e)', function () {
  this.timeout(150_000);
  const env = useFailoverEnvironment({ regions: 2, upstreamTimeout: '1s' });
  let temporal: TestWorkflowEnvironment;
  let stateDir: string;
  const workers: Spawned[] = [];
  const queue = uniqueQueue('failover');

  before(async () => {
    temporal = await localEnv();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-failover-run-'));
  });
  after(() => {
    for (const w of workers) w.child.kill('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<Spawned> {
    const e = env();
    const w = spawnGenie(['worker'], {
      TEMPORAL_ADDRESS: temporal.address,
      GENIE_TASK_QUEUE: queue,
      GENIE_STATE_DIR: stateDir,
      GENIE_REGIONS: e.regionsFile,
      GENIE_ROUTER_ADMIN_URL: e.adminUrl,
      GENIE_ROUTER_TOKEN: e.token,
    });
    workers.push(w);
    await waitForOutput(w, /worker polling/);
    return w;
  }

  it('completes the failover on a new worker without promoting twice', async () => {
    const e = env();
    const first = await startWorker();
    const handle = await startInline(temporal, queue, 'region-failover', {
      params: { primary: 'r1', routerUrl: e.routerUrl, failback: 'never', window: '10s' },
    });
    await waitForState(handle, (s) => s.steps.some((x) => x.stepId === 'monitor' && x.status === 'running'), 30_000);
    await sleep(1_500);
    const intentFile = path.join(stateDir, 'failover', `${handle.workflowId.replace(/[^A-Za-z0-9_.-]/g, '_')}.intent.json`);
    await e.kill('r1', 'SIGKILL');
    // The worker dies the moment the intent to promote is on disk.
    let phase: string | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try {
        phase = (JSON.parse(fs.readFileSync(intentFile, 'utf8')) as FailoverIntent).phase;
      } catch {
        phase = undefined;
      }
      if (phase === 'promoting' || phase === 'switching' || phase === 'done') break;
      await sleep(1);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(phase === 'promoting', `the worker was to be killed while promoting, but the intent said ${phase}`);

    await startWorker();
    const result = await handle.result();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.outputs.failedOverTo, 'r2');
    assert.equal(result.outputs.how, 'automatic (completed after a crash)');
    const monitor = result.steps.find((s) => s.stepId === 'monitor' && s.status === 'succeeded');
    const output = monitor?.output as { resumed?: boolean; steps?: { promote?: { result?: { alreadyPrimary?: boolean } } } };
    assert.equal(output.resumed, true);
    const r2 = await adapter.status(e.region('r2').spec);
    assert.equal(r2.role, 'primary');
    assert.equal(r2.identity?.timeline, 2, 'promoted exactly once: one timeline switch');
    console.log(`      resumed attempt: promote ${JSON.stringify(output.steps?.promote?.result)}; ${monitor?.attempts} attempts`);
    assert.equal(await assertAtMostOneWritable(e), 'r2');
    const test = result.steps.find((s) => s.stepId === 'test_write');
    assert.equal(test?.status, 'succeeded');
  });
});
