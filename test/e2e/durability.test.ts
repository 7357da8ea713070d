/**
 * The core promise: SIGKILL the worker process in the middle of a run, start a new one,
 * and the run finishes with every side effect done exactly once.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue } from '../helpers/temporal';
import { inlineRunbook, startInline, waitForState } from '../helpers/runbooks';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

describe('durability: worker killed mid-run (real processes, SIGKILL)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let stateDir: string;
  const workers: Spawned[] = [];
  const queue = uniqueQueue('durability');

  before(async () => {
    env = await localEnv();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-durability-'));
  });
  after(() => {
    for (const w of workers) w.child.kill('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<Spawned> {
    const w = spawnGenie(['worker'], { TEMPORAL_ADDRESS: env.address, GENIE_TASK_QUEUE: queue, GENIE_STATE_DIR: stateDir });
    workers.push(w);
    await waitForOutput(w, /worker polling/);
    return w;
  }

  it('finishes the run on a new worker with each journal entry written exactly once', async () => {
    const rb = inlineRunbook([
      { id: 'before', action: 'util.journal', with: { journal: 'run', entry: 'before the crash' } },
      { id: 'hold', sleep: '2s' },
      {
        id: 'fanout',
        forEach: {
          items: [1, 2, 3],
          maxConcurrency: 3,
          steps: [{ id: 'each', action: 'util.journal', with: { journal: 'run', entry: '{% "item " & $item %}' } }],
        },
      },
      { id: 'after', action: 'util.journal', with: { journal: 'run', entry: 'after the crash' } },
    ]);
    const first = await startWorker();
    const handle = await startInline(env, queue, rb);
    await waitForState(handle, (s) => s.steps.some((x) => x.id === 'hold' && x.status === 'waiting'));
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    assert.equal(signal, 'SIGKILL');

    await startWorker();
    const result = await handle.result();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const lines = fs
      .readFileSync(path.join(stateDir, 'journals', 'run.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; entry: string });
    assert.deepEqual(lines.map((l) => l.entry).sort(), ['after the crash', 'before the crash', 'item 1', 'item 2', 'item 3']);
    assert.equal(new Set(lines.map((l) => l.key)).size, lines.length, 'a side effect was repeated');
  });

  it('a retried activity whose worker died after its side effect does not repeat it', async () => {
    const rb = inlineRunbook([
      {
        id: 'effect',
        action: 'util.journal',
        timeout: '30s',
        with: { journal: 'mid', entry: 'once', holdAfterMs: 60_000 },
        retry: { maxAttempts: 3, initialInterval: '100ms' },
      },
    ]);
    // A short per-attempt timeout would make this faster, but the action's own default (10s) is what production uses.
    const first = await startWorker();
    const handle = await startInline(env, queue, rb);
    const journal = path.join(stateDir, 'journals', 'mid.log');
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(journal) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(journal), 'the first attempt never wrote its entry');
    first.child.kill('SIGKILL');
    await first.exited;

    await startWorker();
    const result = await handle.result();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.steps[0].attempts, 2, 'the step should have been retried once on the new worker');
    assert.deepEqual(result.steps[0].output, { key: (result.steps[0].output as { key: string }).key, appended: false });
    const lines = fs.readFileSync(journal, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, `entry written ${lines.length} times`);
  });
});
