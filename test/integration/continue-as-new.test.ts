/** Long runs hand over to a fresh run before their history grows large, losing nothing. */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline, waitForState } from '../helpers/runbooks';
import { overrideUpdates } from '../../workflows/api';

describe('continue-as-new keeps long runs bounded (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('can');
  const saved = process.env.GENIE_CONTINUE_AS_NEW_EVENTS;
  before(async () => {
    env = await localEnv();
    process.env.GENIE_CONTINUE_AS_NEW_EVENTS = '30';
  });
  after(() => {
    if (saved === undefined) delete process.env.GENIE_CONTINUE_AS_NEW_EVENTS;
    else process.env.GENIE_CONTINUE_AS_NEW_EVENTS = saved;
  });

  // Short timers fire with about a second of latency on the dev server, so the loop is kept short.
  it('a long until loop and later steps continue across runs with their state and overrides', async () => {
    const rb = inlineRunbook(
      [
        { id: 'first', action: 'util.echo', with: { mark: 'before' } },
        {
          id: 'watch',
          until: {
            condition: '{% $steps.tick.output.n >= 8 %}',
            interval: '50ms',
            steps: [{ id: 'tick', action: 'util.echo', with: { n: '{% $attempt %}' } }],
          },
        },
        { id: 'gate', approval: {} },
        ...Array.from({ length: 12 }, (_, i) => ({ id: `tail${i}`, action: 'util.echo', with: { i } })),
      ],
      { outputs: { mark: '{% $steps.first.output.mark %}', ticks: '{% $steps.tick.output.n %}', last: '{% $steps.tail11.output.i %}' } },
    );

    const { result, firstRunId, lastRunId, events } = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb);
      await waitForState(handle, (s) => s.pendingApprovals.length === 1, 60_000);
      await handle.executeUpdate(overrideUpdates.approve, { args: [{ by: 'ops', reason: 'continue' }] });
      const r = await handle.result();
      const first = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
      const history = await first.fetchHistory();
      const description = await env.client.workflow.getHandle(handle.workflowId).describe();
      return { result: r, firstRunId: handle.firstExecutionRunId, lastRunId: description.runId, events: history.events?.length ?? 0 };
    });
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.notEqual(lastRunId, firstRunId, 'the run never continued as new');
    assert.ok(events < 60, `first run's history grew to ${events} events`);
    assert.deepEqual(result.outputs, { mark: 'before', ticks: 8, last: 11 });
    assert.deepEqual(result.steps.find((s) => s.id === 'watch')?.output, { attempts: 8, satisfied: true });
    assert.equal(result.steps.find((s) => s.id === 'first')?.status, 'succeeded', 'records from the first run were lost');
    assert.equal(result.overrides.length, 1);
    assert.equal(result.overrides[0].by, 'ops');
  });
});
