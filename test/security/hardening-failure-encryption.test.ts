/**
 * Issue 12 §8: failure messages and stack traces were stored in plaintext in history, even with
 * a keyring (the failure converter did not encode common attributes). Real worker + dev server.
 */
import { strict as assert } from 'node:assert';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { allText } from '../helpers/all-text';

describe('security: failures encrypted at rest (issue 12 §8)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('failure-encryption');
  before(async () => {
    env = await localEnv();
  });

  it('an activity failure message is not in history in plaintext, and decodes with the codec', async () => {
    const MARK = 'failure-marker-9b3e1d';
    const rb = inlineRunbook([{ id: 'boom', action: 'util.fail', with: { message: `db password rejected: ${MARK}`, nonRetryable: true } }]);
    const { workflowId, outcome } = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb);
      const outcome = await handle.result().then(
        (r) => JSON.stringify(r),
        (e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''} ${JSON.stringify(e)}`,
      );
      return { workflowId: handle.workflowId, outcome };
    });
    const decoded = allText(await env.client.workflow.getHandle(workflowId).fetchHistory());
    assert.ok(decoded.includes('binary/encrypted'), 'this test needs a keyring (payloads are not encrypted)');
    const raw = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const stored = allText(await raw.workflow.getHandle(workflowId).fetchHistory());
    assert.ok(!stored.includes(MARK), `the failure message is stored in plaintext (outcome: ${outcome.slice(0, 200)})`);
    assert.ok(stored.includes('Encoded failure'), 'failures are not marked encoded');
    assert.ok(outcome.includes(MARK) || decoded.includes(MARK), 'with the codec, the failure message is readable again');
  });
});
