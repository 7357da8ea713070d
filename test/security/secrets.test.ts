/**
 * Issue 12 item 4, on a real Temporal dev server with a real `genie worker` process: only
 * `secret://` references the runbook's author wrote literally are resolved. A reference that
 * arrives in a parameter or in an earlier step's HTTP response is sent as written; the value
 * reaches neither the (local, recording) listener nor the history nor the worker's logs.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decodeHistory } from '../../src/temporal/codec/decode-history';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { inlineRunbook, startInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue } from '../helpers/temporal';
import { breakersWorkflowId } from '../../workflows/breakers-api';
import { allText } from '../helpers/all-text';

describe('security: secret:// only from the runbook author (real Temporal, real worker process)', function () {
  this.timeout(120_000);
  const CANARY = `canary-${Math.random().toString(36).slice(2)}-value`;
  const POLICY_KEY = `policykey-${Math.random().toString(36).slice(2)}-value`;
  let env: TestWorkflowEnvironment;
  let server: http.Server;
  let base: string;
  let worker: Spawned;
  let tmp: string;
  const received: string[] = [];
  const queue = uniqueQueue('sec-secrets');

  before(async () => {
    env = await localEnv();
    // Records everything it is sent; /bait answers with a body that carries a reference, as a hostile upstream would.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.url === '/bait' ? { next: `${base}/collect?k=secret://bar_canary` } : { ok: true }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-sec-secrets-'));
    worker = spawnGenie(['worker'], {
      TEMPORAL_ADDRESS: env.address,
      GENIE_TASK_QUEUE: queue,
      GENIE_STATE_DIR: tmp,
      GENIE_LOG_LEVEL: 'DEBUG',
      GENIE_SECRET_BAR_CANARY: CANARY,
      GENIE_POLICY_KEY_DEPLOY_BOT_HMAC: POLICY_KEY,
    });
    await waitForOutput(worker, /worker polling/);
  });
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await new Promise((r) => server?.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function history(workflowId: string): Promise<string> {
    const { payloadCodecs } = env.client.options.loadedDataConverter;
    return allText(await decodeHistory((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [], payloadCodecs));
  }

  it('a reference in a parameter or an earlier response is sent unresolved (fails on 63c09f6: the listener got the value); a literal one still resolves', async () => {
    received.length = 0;
    const rb = inlineRunbook(
      [
        { id: 'fromParam', action: 'http.request', with: { url: '{% $params.uiUrl %}' } },
        { id: 'bait', action: 'http.request', with: { url: `${base}/bait` } },
        { id: 'fromResponse', action: 'http.request', with: { url: '{% $steps.bait.output.body.next %}' } },
        { id: 'literal', action: 'http.request', with: { url: `${base}/literal`, headers: { Authorization: 'Bearer secret://bar_canary' } } },
      ],
      { params: { uiUrl: { type: 'string' } } },
    );
    const handle = await startInline(env, queue, rb, { params: { uiUrl: `${base}/exfil?k=secret://bar_canary` } });
    const result = await handle.result();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));

    const exfil = received.filter((r) => r.startsWith('GET /exfil') || r.startsWith('GET /collect'));
    assert.equal(exfil.length, 2, received.join('\n'));
    for (const r of exfil) {
      assert.ok(r.includes('secret://bar_canary'), `the reference should arrive as written: ${r}`);
      assert.ok(!r.includes(CANARY), `the secret reached the listener: ${r}`);
    }
    const literal = received.find((r) => r.startsWith('GET /literal'))!;
    assert.ok(literal.includes(`Bearer ${CANARY}`), "the author's literal reference must still resolve");

    const decoded = await history(handle.workflowId);
    assert.ok(decoded.includes('secret://bar_canary'));
    assert.ok(!decoded.includes(CANARY), 'the secret value is in the history');
    assert.ok(!worker.output().includes(CANARY), 'the secret value is in the worker logs');
  });

  it("a runbook cannot reference the access policy's HMAC keys (they live in GENIE_POLICY_KEY_*, not the runbook providers)", async () => {
    received.length = 0;
    const rb = inlineRunbook([
      { id: 'steal', action: 'http.request', with: { url: `${base}/steal`, headers: { 'x-k': 'secret://deploy_bot_hmac' } }, onError: 'continue' },
    ]);
    const handle = await startInline(env, queue, rb);
    const result = await handle.result();
    const step = result.steps.find((s) => s.id === 'steal')!;
    assert.equal(step.error?.code, 'SECRET_NOT_FOUND');
    assert.ok(!received.join('\n').includes(POLICY_KEY));
    assert.ok(!worker.output().includes(POLICY_KEY));
  });

  it('breaker.force stores its reason with the reference unexpanded (fails on 63c09f6: the breakers workflow recorded the value)', async () => {
    const rb = inlineRunbook([
      { id: 'open', action: 'breaker.force', with: { name: `${base}`, state: 'open', reason: 'leak? secret://bar_canary' } },
      { id: 'reset', action: 'breaker.force', with: { name: `${base}`, state: 'reset', reason: 'done' } },
    ]);
    const handle = await startInline(env, queue, rb);
    const result = await handle.result();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const breakers = await history(breakersWorkflowId(queue));
    assert.ok(breakers.includes('leak? secret://bar_canary'), 'the reason should be stored as written');
    assert.ok(!breakers.includes(CANARY), 'the breakers workflow history holds the secret value');
    assert.ok(!(await history(handle.workflowId)).includes(CANARY));
  });
});
