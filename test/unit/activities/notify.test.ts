/**
 * notify.webhook against a real receiver: the payload arrives as JSON, and the answer
 * decides whether a retry may help (5xx, 408, 429) or cannot (other 4xx).
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { parseRetryAfter, webhook } from '../../../activities/notify';
import { detailsOf, failureOf } from './failure';

interface Received {
  method?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('notify.webhook', () => {
  let server: http.Server;
  let base: string;
  let received: Received[];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const code = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('code') ?? 200);
        res.writeHead(code, { 'content-type': 'text/plain', ...(code === 429 ? { 'retry-after': '7' } : {}) });
        res.end(code === 200 ? `ok, got ${req.headers.authorization ?? 'no auth'}` : `error ${code}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    received = [];
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('POSTs the payload as JSON and returns the answer', async () => {
    const payload = { text: 'canary rolled back', severity: 'high', tags: ['genie'] };
    const result = await webhook.run({ url: `${base}/hook`, payload, headers: { 'x-source': 'genie' } });
    assert.equal(result.status, 200);
    assert.ok(result.latencyMs >= 0);
    assert.equal(received.length, 1);
    assert.equal(received[0].method, 'POST');
    assert.equal(received[0].headers['content-type'], 'application/json');
    assert.equal(received[0].headers['x-source'], 'genie');
    assert.deepEqual(JSON.parse(received[0].body), payload);
  });

  it('keeps credentials out of the result even when the receiver echoes them', async () => {
    const result = await webhook.run({ url: `${base}/hook`, payload: {}, headers: { authorization: 'Bearer hook-secret-1234' } });
    assert.equal(received[0].headers.authorization, 'Bearer hook-secret-1234');
    assert.ok(!JSON.stringify(result).includes('hook-secret-1234'), JSON.stringify(result));
  });

  it('fails retryably on a 5xx answer', async () => {
    const failure = await failureOf(webhook.run({ url: `${base}/hook?code=500`, payload: { a: 1 } }), 'WEBHOOK_FAILED');
    assert.equal(failure.nonRetryable, false);
    assert.equal(detailsOf(failure).status, 500);
    assert.equal(detailsOf(failure).response, 'error 500');
  });

  it('fails without retry on a 4xx answer, which a retry would only repeat', async () => {
    const failure = await failureOf(webhook.run({ url: `${base}/hook?code=400`, payload: { a: 1 } }), 'WEBHOOK_FAILED');
    assert.equal(failure.nonRetryable, true);
    for (const code of [404, 401]) {
      assert.equal((await failureOf(webhook.run({ url: `${base}/hook?code=${code}`, payload: {} }), 'WEBHOOK_FAILED')).nonRetryable, true);
    }
  });

  it('retries 408 and 429, after the Retry-After the receiver asks for', async () => {
    const timeout = await failureOf(webhook.run({ url: `${base}/hook?code=408`, payload: {} }), 'WEBHOOK_FAILED');
    assert.equal(timeout.nonRetryable, false);
    const busy = await failureOf(webhook.run({ url: `${base}/hook?code=429`, payload: {} }), 'WEBHOOK_FAILED');
    assert.equal(busy.nonRetryable, false);
    assert.equal(busy.nextRetryDelay, 7000);
    assert.equal(parseRetryAfter('100000'), 5 * 60_000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('reports an unreachable receiver as HTTP_CONNECT, retryably', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await failureOf(webhook.run({ url: `http://127.0.0.1:${port}/hook`, payload: {} }), 'HTTP_CONNECT');
    assert.equal(failure.nonRetryable, false);
  });

  it('sends an Idempotency-Key that stays the same across attempts of one step', async () => {
    const info = { workflowExecution: { workflowId: 'wf', runId: 'run-1' }, activityId: '7', startToCloseTimeoutMs: 10_000 };
    const logger = new DefaultLogger('ERROR');
    await new MockActivityEnvironment({ ...info, attempt: 1 }, { logger }).run(webhook.run, { url: `${base}/hook`, payload: {} });
    await new MockActivityEnvironment({ ...info, attempt: 2 }, { logger }).run(webhook.run, { url: `${base}/hook`, payload: {} });
    assert.equal(received[0].headers['idempotency-key'], 'wf/run-1/7');
    assert.equal(received[1].headers['idempotency-key'], 'wf/run-1/7');
  });

  it('rejects a payload that is not an object, and a bad URL, without retrying', async () => {
    const notObject = await failureOf(webhook.run({ url: `${base}/hook`, payload: ['x'] as unknown as Record<string, unknown> }), 'BAD_ARGUMENT');
    assert.equal(notObject.nonRetryable, true);
    assert.equal((await failureOf(webhook.run({ url: 'hooks.example.com', payload: {} }), 'BAD_ARGUMENT')).nonRetryable, true);
    assert.equal(received.length, 0);
  });
});
