/**
 * The supervisor across worker processes: a `genie worker` deploys a demo service and is
 * SIGKILLed; the service keeps serving; a replacement worker finds it through the state
 * directory, restarts it and stops it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { Supervisor } from '../../src/process';
import { identify, isRunning } from '../../src/process/proc';
import { freePort } from '../helpers/ports';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue } from '../helpers/temporal';

async function versionAt(url: string): Promise<string> {
  const r = await request(url);
  return ((await r.body.json()) as { version: string }).version;
}

describe('supervised processes outlive the worker that started them (real workers, SIGKILL)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let stateDir: string;
  let port: number;
  const workers: Spawned[] = [];
  const queue = uniqueQueue('supervisor');

  before(async () => {
    env = await localEnv();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-supervisor-'));
    port = await freePort();
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await new Supervisor({ dir: path.join(stateDir, 'processes') }).stopGroup('demo', { graceMs: 1_000 });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<Spawned> {
    const w = spawnGenie(['worker'], {
      TEMPORAL_ADDRESS: env.address,
      GENIE_TASK_QUEUE: queue,
      GENIE_STATE_DIR: stateDir,
      GENIE_PROCESS_DIR: '',
      GENIE_DEPLOY_PORTS: `canary=${port}`,
    });
    workers.push(w);
    await waitForOutput(w, /worker polling/);
    return w;
  }

  async function run(steps: unknown[]): Promise<Record<string, Record<string, unknown>>> {
    const result = await (await startInline(env, queue, inlineRunbook(steps as never))).result();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    return Object.fromEntries(result.steps.map((s) => [s.id, s.output as Record<string, unknown>]));
  }

  it('a replacement worker finds, restarts and stops the service the killed worker deployed', async () => {
    const first = await startWorker();
    const deployed = (await run([{ id: 'deploy', action: 'deploy.start', with: { service: 'canary', version: '2.0.0' } }])).deploy!;
    const pid = deployed.pid as number;
    assert.equal(deployed.url, `http://127.0.0.1:${port}`);

    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(isRunning(identify(pid)), 'the service died with its worker');
    assert.equal(await versionAt(`http://127.0.0.1:${port}/orders`), '2.0.0');

    await startWorker();
    const out = await run([
      { id: 'found', action: 'process.status', with: { name: 'canary' } },
      { id: 'again', action: 'deploy.start', with: { service: 'canary', version: '2.0.0' } },
      { id: 'restart', action: 'process.restart', with: { name: 'canary', grace: '5s' } },
      { id: 'after', action: 'process.status', with: { name: 'canary' } },
    ]);
    assert.deepEqual({ running: out.found!.running, pid: out.found!.pid, version: out.found!.version }, { running: true, pid, version: '2.0.0' });
    assert.equal(out.again!.alreadyRunning, true, 'the new worker spawned a duplicate');
    assert.equal(out.restart!.previousPid, pid);
    assert.notEqual(out.restart!.pid, pid);
    assert.equal(out.after!.restarts, 1);
    assert.ok(!isRunning(identify(pid)));
    assert.equal(await versionAt(`http://127.0.0.1:${port}/orders`), '2.0.0');

    const stopped = (await run([{ id: 'stop', action: 'deploy.stop', with: { service: 'canary' } }])).stop!;
    assert.equal(stopped.stopped, true);
    assert.equal(stopped.pid, out.restart!.pid);
    await assert.rejects(request(`http://127.0.0.1:${port}/health`), /ECONNREFUSED/);
  });
});
