/**
 * Runaway expressions, catastrophic regexes and out-of-range evaluated arguments, on a real
 * Temporal dev server with a real Genie worker: each ends with a clear, non-retryable error
 * naming the step, within its budget, while other runs on the same worker keep completing;
 * nothing an out-of-range argument would start is started.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decodeHistory } from '../../src/temporal/codec/decode-history';
import { eventTime } from '../../src/temporal/history';
import { allText } from '../helpers/all-text';
import type { Step } from '../../src/dsl/types';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

const RECURSIVE = '{% ($f := function($x){ $f($x) }; $f(1)) %}';
const LONG_LOOP = '{% ($loop := function($n){ $n > 0 ? $loop($n - 1) : 0 }; $loop(100000000)) %}';

describe('security: expression and argument budgets (real Temporal, real worker)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let server: http.Server;
  let url: string;
  let tmp: string;
  const queue = uniqueQueue('budgets');
  const savedAllowlist = process.env.GENIE_COMMAND_ALLOWLIST;

  before(async () => {
    env = await localEnv();
    // A body that makes a backtracking engine take minutes for `^(a+)+$`.
    server = http.createServer((_req, res) => res.end(`${'a'.repeat(39)}b`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-budgets-'));
    process.env.GENIE_COMMAND_ALLOWLIST = 'touch';
  });
  after(async () => {
    if (savedAllowlist === undefined) delete process.env.GENIE_COMMAND_ALLOWLIST;
    else process.env.GENIE_COMMAND_ALLOWLIST = savedAllowlist;
    await new Promise((r) => server.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const echo = (id: string, value: unknown): Step => ({ id, action: 'util.echo', with: { value } }) as Step;

  /** The longest workflow task of a run, started to completed: how long it held a workflow thread (or queued for one). */
  async function longestWorkflowTaskMs(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }): Promise<number> {
    const { EVENT_TYPE_WORKFLOW_TASK_STARTED: STARTED, EVENT_TYPE_WORKFLOW_TASK_COMPLETED: COMPLETED } = temporal.api.enums.v1.EventType;
    let started: number | undefined;
    let longest = 0;
    for (const event of (await handle.fetchHistory()).events ?? []) {
      if (event.eventType === STARTED) started = Date.parse(eventTime(event));
      else if (event.eventType === COMPLETED && started !== undefined) longest = Math.max(longest, Date.parse(eventTime(event)) - started);
    }
    return longest;
  }

  it('a recursive and a long-looping expression end with a budget error while another run completes', async () => {
    await withWorker(env, queue, async () => {
      const started = Date.now();
      const recursive = await startInline(env, queue, inlineRunbook([echo('recurse', RECURSIVE)]));
      const looping = await startInline(env, queue, inlineRunbook([echo('loop', LONG_LOOP)]));
      const healthy = await startInline(env, queue, inlineRunbook([echo('first', '{% 1 + 1 %}'), echo('second', '{% $sum([1..100]) %}')]));
      const [r, l, h] = await Promise.all([recursive.result(), looping.result(), healthy.result()]);
      assert.equal(h.status, 'succeeded', JSON.stringify(h.error));
      for (const [result, stepId] of [
        [r, 'recurse'],
        [l, 'loop'],
      ] as const) {
        assert.equal(result.status, 'failed');
        assert.equal(result.error?.stepId, stepId, JSON.stringify(result.error));
        assert.equal(result.error?.code, 'EXPRESSION_BUDGET', JSON.stringify(result.error));
        assert.match(result.error?.message ?? '', /exceeded .*; simplify it/);
      }
      // Loose: the budget is counted steps, which take well under a second each run here.
      assert.ok(Date.now() - started < 60_000);
      // Temporal's deadlock detector fires at 2 s of one task. At the old inline budget of
      // 10,000 steps these three tasks took ~6 s each (the runaways held the workflow threads);
      // now ~1.2 s, most of it the cold start and the two overflow evaluations' 250 ms caps.
      for (const handle of [recursive, looping, healthy]) {
        const longest = await longestWorkflowTaskMs(handle);
        assert.ok(longest < 2_000, `${handle.workflowId}: a workflow task took ${longest} ms`);
      }
    });
  });

  it('an evaluation too big for the workflow moves to a local activity and gets its answer', async () => {
    await withWorker(env, queue, async () => {
      // ~6,000 evaluation steps: over the inline budget, well inside the overflow one.
      const handle = await startInline(env, queue, inlineRunbook([echo('big', '{% $sum([1..2000].($ * 2)) %}')]));
      const result = await handle.result();
      assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
      assert.deepEqual(result.steps.find((s) => s.id === 'big')?.output, { value: 4_002_000 });
      const events = await decodeHistory((await handle.fetchHistory()).events ?? [], env.client.options.loadedDataConverter.payloadCodecs);
      const markers = events.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED);
      assert.ok(allText(markers).includes('evaluateExpression'), 'no local-activity marker for the overflow evaluation');
    });
  });

  it('a catastrophic regex in a chaos tolerance gets its answer at once', async () => {
    await withWorker(env, queue, async () => {
      const started = Date.now();
      const step = {
        id: 'probe',
        action: 'chaos.probe',
        with: { probes: [{ name: 'body', http: { url }, tolerance: { type: 'regex', pattern: '^(a+)+$', target: 'body' } }] },
      } as Step;
      const result = await (await startInline(env, queue, inlineRunbook([step]))).result();
      assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
      const output = result.outputs.probe ?? result.steps.find((s) => s.id === 'probe')?.output;
      assert.match(JSON.stringify(output), /not found/);
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    });
  });

  it('maxOutputBytes "{% 1e11 %}" is refused before the command runs', async () => {
    const marker = path.join(tmp, 'ran');
    await withWorker(env, queue, async () => {
      const step = { id: 'cmd', action: 'command.run', with: { command: 'touch', args: [marker], maxOutputBytes: '{% 1e11 %}' } } as Step;
      const result = await (await startInline(env, queue, inlineRunbook([step]))).result();
      assert.equal(result.status, 'failed');
      assert.equal(result.error?.stepId, 'cmd');
      assert.equal(result.error?.code, 'ACTION_ARGS', JSON.stringify(result.error));
      assert.match(result.error?.message ?? '', /maxOutputBytes/);
    });
    assert.equal(fs.existsSync(marker), false, 'the command ran although its argument was out of range');
  });

  // A regression guard: on 63c09f6 chaos.inject's own run-time check already refused this
  // (BAD_ARGUMENT); the envelope's re-validation now refuses it first, for every action alike.
  it('chaos cpu cores "{% 100000 %}" is refused before any thread starts', async () => {
    await withWorker(env, queue, async () => {
      const step = {
        id: 'burn',
        action: 'chaos.inject',
        with: { fault: { cpu: { cores: '{% 100000 %}' } }, targets: { from: ['local'] }, duration: '1s' },
      } as Step;
      const result = await (await startInline(env, queue, inlineRunbook([step]))).result();
      assert.equal(result.status, 'failed');
      assert.equal(result.error?.stepId, 'burn');
      assert.ok(['ACTION_ARGS', 'BAD_ARGUMENT'].includes(result.error?.code ?? ''), JSON.stringify(result.error));
      assert.match(result.error?.message ?? '', /cores/);
    });
  });
});
