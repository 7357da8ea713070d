/** Every step kind, run by the real interpreter on a real Temporal dev server. */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, runInline } from '../helpers/runbooks';
import type { Runbook } from '../../src/dsl/types';

describe('interpreter: step kinds (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('steps');
  let allowlist: string | undefined;
  before(async () => {
    env = await localEnv();
    allowlist = process.env.GENIE_COMMAND_ALLOWLIST;
    process.env.GENIE_COMMAND_ALLOWLIST = 'sleep';
  });
  after(() => {
    if (allowlist === undefined) delete process.env.GENIE_COMMAND_ALLOWLIST;
    else process.env.GENIE_COMMAND_ALLOWLIST = allowlist;
  });
  const run = (rb: Runbook, params?: Record<string, unknown>) => withWorker(env, queue, () => runInline(env, queue, rb, { params }));
  const statuses = (r: { steps: { id: string; status: string }[] }) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));

  it('runs actions in order and evaluates expressions over params, earlier outputs and $run', async () => {
    const result = await run(
      inlineRunbook(
        [
          { id: 'a', action: 'util.echo', with: { n: '{% $params.n * 2 %}' } },
          { id: 'b', action: 'util.echo', with: { sum: '{% $steps.a.output.n + 1 %}', who: '{% $run.requestedBy %}' } },
        ],
        { params: { n: { type: 'number', default: 3 } }, outputs: { total: '{% $steps.b.output.sum %}', who: '{% $steps.b.output.who %}', literal: 7 } },
      ),
      { n: 5 },
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { total: 11, who: 'tester', literal: 7 });
    assert.deepEqual(
      result.steps.map((s) => [s.id, s.status, s.attempts]),
      [
        ['a', 'succeeded', 1],
        ['b', 'succeeded', 1],
      ],
    );
  });

  it('skips a step whose if guard is false and records why', async () => {
    const result = await run(
      inlineRunbook([
        { id: 'a', action: 'util.echo', with: { go: false } },
        { id: 'b', if: '{% $steps.a.output.go %}', action: 'util.fail', with: { message: 'must not run' } },
      ]),
    );
    assert.equal(result.status, 'succeeded');
    assert.equal(result.steps[1].status, 'skipped');
    assert.equal(result.steps[1].note, 'condition false');
  });

  it('sleeps on a durable timer', async () => {
    const started = Date.now();
    const result = await run(inlineRunbook([{ id: 'nap', sleep: '1s' }]));
    assert.equal(result.status, 'succeeded');
    assert.ok(Date.now() - started >= 1000);
  });

  it('if/then/else and switch take the branch whose condition holds', async () => {
    const result = await run(
      inlineRunbook([
        {
          id: 'cond',
          if: '{% 1 > 2 %}',
          then: [{ id: 'yes', action: 'util.echo', with: {} }],
          else: [{ id: 'no', action: 'util.echo', with: { took: 'else' } }],
        },
        {
          id: 'pick',
          switch: {
            cases: [
              { when: '{% $steps.no.output.took = "then" %}', steps: [{ id: 'c1', action: 'util.echo', with: {} }] },
              { when: '{% $steps.no.output.took = "else" %}', steps: [{ id: 'c2', action: 'util.echo', with: {} }] },
            ],
            default: [{ id: 'c3', action: 'util.echo', with: {} }],
          },
        },
      ]),
    );
    assert.equal(result.status, 'succeeded');
    const s = statuses(result);
    assert.equal(s.no, 'succeeded');
    assert.equal(s.yes, undefined);
    assert.equal(s.c2, 'succeeded');
    assert.equal(s.c1, undefined);
    assert.deepEqual(result.steps.find((r) => r.id === 'pick')?.output, { case: 1 });
  });

  it('parallel runs branches concurrently and failFast cancels the others', async () => {
    const ok = await run(
      inlineRunbook([
        {
          id: 'par',
          parallel: {
            branches: [
              { name: 'x', steps: [{ id: 'x1', sleep: '1s' }] },
              { name: 'y', steps: [{ id: 'y1', sleep: '1s' }] },
            ],
          },
        },
      ]),
    );
    assert.equal(ok.status, 'succeeded');
    const par = ok.steps.find((s) => s.id === 'par')!;
    const elapsed = Date.parse(par.endedAt!) - Date.parse(par.startedAt!);
    assert.ok(elapsed < 1900, `two 1s branches in parallel took ${elapsed} ms`);

    const failed = await run(
      inlineRunbook([
        {
          id: 'par',
          parallel: {
            failFast: true,
            branches: [
              { name: 'slow', steps: [{ id: 'slow', sleep: '30s' }] },
              { name: 'bad', steps: [{ id: 'bad', action: 'util.fail', with: { message: 'boom' } }] },
            ],
          },
        },
      ]),
    );
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'PARALLEL_FAILED');
    assert.equal(statuses(failed).slow, 'cancelled');
  });

  it('parallel with maxConcurrency 1 runs branches one at a time', async () => {
    const result = await run(
      inlineRunbook([
        {
          id: 'par',
          parallel: { maxConcurrency: 1, branches: [{ steps: [{ id: 'p1', sleep: '500ms' }] }, { steps: [{ id: 'p2', sleep: '500ms' }] }] },
        },
      ]),
    );
    const p1 = result.steps.find((s) => s.id === 'p1')!;
    const p2 = result.steps.find((s) => s.id === 'p2')!;
    assert.ok(Date.parse(p2.startedAt!) >= Date.parse(p1.endedAt!), 'p2 started before p1 ended');
  });

  it('forEach runs the body per item with $item and $index, and honours maxErrors', async () => {
    const result = await run(
      inlineRunbook(
        [
          {
            id: 'each',
            forEach: {
              items: '{% [1,2,3] %}',
              maxConcurrency: 2,
              steps: [{ id: 'sq', action: 'util.echo', with: { v: '{% $item * $item %}', i: '{% $index %}' } }],
            },
          },
        ],
        { outputs: { squares: '{% $steps.each.output.results.steps.sq.output.v %}' } },
      ),
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs.squares, [1, 4, 9]);
    assert.deepEqual(
      result.steps
        .filter((s) => s.stepId === 'sq')
        .map((s) => s.id)
        .sort(),
      ['each[0].sq', 'each[1].sq', 'each[2].sq'],
    );

    const tolerant = await run(
      inlineRunbook([
        {
          id: 'each',
          forEach: {
            items: ['ok', 'bad', 'ok'],
            as: 'host',
            maxErrors: '34%',
            steps: [{ id: 'probe', if: '{% $host = "bad" %}', action: 'util.fail', with: { message: 'down' } }],
          },
        },
      ]),
    );
    assert.equal(tolerant.status, 'succeeded', JSON.stringify(tolerant.error));
    const strict = await run(
      inlineRunbook([
        {
          id: 'each',
          forEach: {
            items: ['bad', 'bad', 'ok'],
            maxErrors: 1,
            steps: [{ id: 'probe', if: '{% $item = "bad" %}', action: 'util.fail', with: { message: 'down' } }],
          },
        },
      ]),
    );
    assert.equal(strict.status, 'failed');
    assert.equal(strict.error?.code, 'FOREACH_FAILED');
  });

  it('until repeats the block every interval until the condition holds, and fails when attempts run out', async () => {
    const result = await run(
      inlineRunbook([
        {
          id: 'poll',
          until: {
            condition: '{% $steps.tick.output.n >= 3 %}',
            interval: '200ms',
            maxAttempts: 5,
            steps: [{ id: 'tick', action: 'util.echo', with: { n: '{% $attempt %}' } }],
          },
        },
      ]),
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.steps.find((s) => s.id === 'poll')?.output, { attempts: 3, satisfied: true });

    const exhausted = await run(
      inlineRunbook([
        {
          id: 'poll',
          until: { condition: '{% false %}', interval: '100ms', maxAttempts: 2, steps: [{ id: 'tick', action: 'util.echo', with: {} }] },
        },
      ]),
    );
    assert.equal(exhausted.status, 'failed');
    assert.equal(exhausted.error?.code, 'UNTIL_EXHAUSTED');
  });

  it("fail ends the run with the author's code and message", async () => {
    const result = await run(
      inlineRunbook([{ id: 'stop', fail: { code: 'NOT_SAFE', message: '{% "refusing: " & $params.why %}' } }], {
        params: { why: { type: 'string', default: 'lag too high' } },
      }),
    );
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'NOT_SAFE');
    assert.equal(result.error?.message, 'refusing: lag too high');
    assert.equal(result.error?.stepId, 'stop');
  });

  it('onError: continue records the failure and goes on; a handler id jumps to that later step', async () => {
    const result = await run(
      inlineRunbook([
        { id: 'flaky', action: 'util.fail', with: { message: 'nope' }, onError: 'continue' },
        { id: 'after', action: 'util.echo', with: { saw: '{% $steps.flaky.status %}' } },
        { id: 'risky', action: 'util.fail', with: { message: 'broken' }, onError: 'cleanup' },
        { id: 'jumped', action: 'util.echo', with: {} },
        { id: 'cleanup', action: 'util.echo', with: { error: '{% $steps.risky.error.message %}' } },
      ]),
    );
    assert.equal(result.status, 'succeeded');
    const s = statuses(result);
    assert.equal(s.flaky, 'failed');
    assert.deepEqual(result.steps.find((r) => r.id === 'after')?.output, { saw: 'failed' });
    assert.equal(s.jumped, 'skipped');
    assert.deepEqual(result.steps.find((r) => r.id === 'cleanup')?.output, { error: 'broken' });
  });

  it('retries an action by its retry policy and reports the attempts', async () => {
    const result = await run(
      inlineRunbook([
        {
          id: 'flaky',
          action: 'util.fail',
          with: { message: 'transient', succeedOnAttempt: 3 },
          retry: { maxAttempts: 5, initialInterval: '100ms', backoff: 1 },
        },
      ]),
    );
    assert.equal(result.status, 'succeeded');
    assert.equal(result.steps[0].attempts, 3);
    const exhausted = await run(
      inlineRunbook([{ id: 'flaky', action: 'util.fail', with: { message: 'still down', code: 'DOWN' }, retry: { maxAttempts: 2, initialInterval: '100ms' } }]),
    );
    assert.equal(exhausted.status, 'failed');
    assert.equal(exhausted.steps[0].attempts, 2);
    assert.equal(exhausted.error?.code, 'DOWN');
  });

  it('a step timeout bounds a composite step; an action timeout bounds the action with its retries', async () => {
    const composite = await run(inlineRunbook([{ id: 'slow', timeout: '500ms', parallel: { branches: [{ steps: [{ id: 'nap', sleep: '10s' }] }] } }]));
    assert.equal(composite.status, 'failed');
    assert.equal(composite.error?.code, 'STEP_TIMEOUT');
    const action = await run(
      inlineRunbook([
        {
          id: 'call',
          timeout: '1s',
          action: 'command.run',
          with: { command: 'sleep', args: ['5'] },
        },
      ]),
    );
    assert.equal(action.status, 'failed');
    assert.equal(action.error!.code, 'COMMAND_TIMEOUT', JSON.stringify(action.error));
    const call = action.steps[0];
    assert.ok(Date.parse(call.endedAt!) - Date.parse(call.startedAt!) < 4000, 'the 1s step timeout did not cut the 5s command short');
  });

  it('runs another runbook as a child workflow and returns its outputs; a failed child fails the step', async () => {
    const ui = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => ui.listen(0, '127.0.0.1', r));
    const uiUrl = `http://127.0.0.1:${(ui.address() as AddressInfo).port}/`;
    try {
      const ok = await run(
        inlineRunbook([{ id: 'child', runbook: { name: 'hello', params: { name: 'child', uiUrl } } }], {
          outputs: { greeting: '{% $steps.child.output.greeting %}' },
        }),
      );
      assert.equal(ok.status, 'succeeded', JSON.stringify(ok.error));
      assert.equal(ok.outputs.greeting, 'hello, child');
    } finally {
      ui.close();
    }
    // Nothing listens on port 1: the child's UI probe fails, so the child and this step fail.
    const failed = await run(inlineRunbook([{ id: 'child', runbook: { name: 'hello', params: { uiUrl: 'http://127.0.0.1:1' } } }]));
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'CHILD_RUNBOOK_FAILED');
  });

  it('pins the definition it ran with name, version and sha256', async () => {
    const rb = inlineRunbook([{ id: 'a', action: 'util.echo', with: {} }]);
    const first = await run(rb);
    const second = await run({ ...rb, metadata: { ...rb.metadata } });
    const changed = await run({ ...rb, steps: [{ id: 'a', action: 'util.echo', with: { x: 1 } }] });
    assert.match(first.runbook.sha256, /^[0-9a-f]{64}$/);
    assert.equal(first.runbook.sha256, second.runbook.sha256);
    assert.notEqual(first.runbook.sha256, changed.runbook.sha256);
    assert.equal(first.runbook.name, rb.metadata.name);
    assert.equal(first.runbook.version, '1.0.0');
    assert.equal(first.runbook.source, 'inline');
  });

  it('fails fast, starting no step, when params are invalid', async () => {
    const rb = inlineRunbook([{ id: 'a', action: 'util.echo', with: {} }], { params: { count: { type: 'number', required: true } } });
    await assert.rejects(
      withWorker(env, queue, () => runInline(env, queue, rb, { params: { count: 'many' } })),
      (err: Error) => {
        assert.match(String((err as { cause?: Error }).cause?.message ?? err.message), /count/);
        return true;
      },
    );
  });
});
