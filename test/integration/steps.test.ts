/** Every step kind, run by the real interpreter on a real Temporal dev server. */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, runInline } from '../helpers/runbooks';

describe('interpreter: step kinds (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('steps');
  before(async () => {
    env = await localEnv();
  });
  const run = (rb: ReturnType<typeof inlineRunbook>, params?: Record<string, unknown>) => withWorker(env, queue, () => runInline(env, queue, rb, { params }));

  it('runs actions in order and evaluates expressions over params and earlier outputs', async () => {
    const result = await run(
      inlineRunbook(
        [
          { id: 'a', action: 'util.echo', with: { n: '{% $params.n * 2 %}' } },
          { id: 'b', action: 'util.echo', with: { sum: '{% $steps.a.output.n + 1 %}', who: '{% $run.requestedBy %}' } },
        ],
        { params: { n: { type: 'number', default: 3 } }, outputs: { total: '{% $steps.b.output.sum %}', who: '{% $steps.b.output.who %}' } },
      ),
      { n: 5 },
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { total: 11, who: 'tester' });
    assert.deepEqual(result.steps.map((s) => [s.id, s.status, s.attempts]), [['a', 'succeeded', 1], ['b', 'succeeded', 1]]);
  });
});
