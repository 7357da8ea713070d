/** Long waits are durable timers, so the time-skipping test server runs hours of runbook in seconds. */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline } from '../helpers/runbooks';

describe('time skipping: a 2 h sleep and a 30 min approval timeout', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  // The time-skipping server has no custom search attributes; the worker is told, as it would be on such a cluster.
  const saved = process.env.GENIE_SEARCH_ATTRIBUTES;
  before(async () => {
    process.env.GENIE_SEARCH_ATTRIBUTES = 'off';
    env = await timeSkippingEnv();
  });
  after(async () => {
    if (saved === undefined) delete process.env.GENIE_SEARCH_ATTRIBUTES;
    else process.env.GENIE_SEARCH_ATTRIBUTES = saved;
    await env?.teardown();
  });

  it('completes in seconds of wall time', async () => {
    const queue = uniqueQueue('skip');
    const rb = inlineRunbook(
      [
        { id: 'soak', sleep: '2h' },
        { id: 'gate', approval: { timeout: '30m', onTimeout: 'approve' } },
        { id: 'wrap', action: 'util.echo', with: { at: '{% $now() %}' } },
      ],
      { outputs: { at: '{% $steps.wrap.output.at %}' } },
    );
    const wall = Date.now();
    const result = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb);
      return handle.result();
    });
    const wallMs = Date.now() - wall;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const soak = result.steps.find((s) => s.id === 'soak')!;
    const gate = result.steps.find((s) => s.id === 'gate')!;
    const workflowMs = Date.parse(gate.endedAt!) - Date.parse(soak.startedAt!);
    assert.ok(workflowMs >= 2.5 * 3600_000, `workflow time covered only ${workflowMs} ms`);
    assert.ok(wallMs < 30_000, `took ${wallMs} ms of wall time`);
    assert.deepEqual(gate.output, { approved: true, approvals: [], timedOut: true });
  });
});
