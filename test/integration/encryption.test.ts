/**
 * Encryption at rest: what the server stores holds no plaintext of a run's input, outputs or
 * secrets; read with the codec, it decodes.
 */
import { strict as assert } from 'node:assert';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline } from '../helpers/runbooks';

/** Every string and every byte array in an object tree, as text: what anyone reading the database could see. */
function allText(node: unknown, seen = new Set<unknown>()): string {
  if (node instanceof Uint8Array) return Buffer.from(node).toString('latin1');
  if (typeof node === 'string') return node;
  if (!node || typeof node !== 'object' || seen.has(node)) return '';
  seen.add(node);
  return Object.values(node).map((v) => allText(v, seen)).join('\n');
}

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
});
