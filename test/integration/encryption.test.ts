/**
 * Encryption at rest: what the server stores holds no plaintext of a run's input, outputs or
 * secrets; read with the codec, it decodes.
 */
import { strict as assert } from 'node:assert';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { allText } from '../helpers/all-text';

describe('payload encryption at rest (real Temporal)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('encryption');
  before(async () => {
    env = await localEnv();
  });

  it('stores only ciphertext; the codec reads it back', async () => {
    const MARK = 'plaintext-marker-4f2a9c';
    const SECRET = 'secret-value-77d1e0';
    const rb = inlineRunbook([{ id: 'echo', action: 'util.echo', with: { note: MARK, token: '{% $params.token %}' } }], {
      params: { token: { type: 'string', secret: true } },
      outputs: { note: '{% $steps.echo.output.note %}' },
    });
    const { workflowId, result } = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb, { params: { token: SECRET } });
      return { workflowId: handle.workflowId, result: await handle.result() };
    });
    assert.equal(result.outputs.note, MARK, 'with the codec, the result decodes');

    // A client without Genie's codec sees what the database holds.
    const raw = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const stored = allText(history);
    assert.ok(stored.includes('binary/encrypted'), 'payloads are not marked encrypted');
    // (The runbook name stays readable on purpose: it is in the workflow id and the RunbookName search attribute.)
    for (const plain of [MARK, SECRET]) assert.ok(!stored.includes(plain), `"${plain}" is stored in plaintext`);
  });

  it('masks secret params in the RunbookTarget search attribute, which no codec encrypts (was evaluated unmasked)', async () => {
    const SECRET = 'secret-target-5b8e21';
    const rb = inlineRunbook([{ id: 'echo', action: 'util.echo', with: { ok: true } }], {
      params: { token: { type: 'string', secret: true } },
    });
    rb.metadata = { ...rb.metadata, target: "{% 'db-' & $params.token %}" };
    const workflowId = await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb, { params: { token: SECRET } });
      await handle.result();
      return handle.workflowId;
    });
    const described = await env.client.workflow.getHandle(workflowId).describe();
    assert.deepEqual(described.searchAttributes.RunbookTarget, ['db-***']);
    const raw = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    assert.ok(!allText(await raw.workflow.getHandle(workflowId).fetchHistory()).includes(SECRET), 'the secret is in the stored history');
  });
});
