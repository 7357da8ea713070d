/**
 * http.request against a real HTTP server on 127.0.0.1: what a step gets back, how each
 * expectation fails, and which failures a retry policy may retry.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { request } from '../../../activities/http';
import { detailsOf, failureOf } from './failure';

/** The SDK logs every failed activity; these failures are the point of the tests. */
const quiet = new DefaultLogger('ERROR');
const SECRET = 'Bearer s3cr3t-token-value';
const API_KEY = 'key-0123456789';

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(value));
  };
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    switch (url.pathname) {
      case '/json':
        return json(200, { status: 'ok', items: [{ ok: true }, { ok: false }], n: 3 }, { 'x-served-by': 'test' });
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('hello world');
      case '/echo':
        // Echoes the request back, credentials included, like many debug endpoints do.
        return json(200, { method: req.method, headers: req.headers, body }, { 'set-cookie': 'session=abc123; HttpOnly' });
      case '/status':
        return json(Number(url.searchParams.get('code')), { status: 'down', detail: 'maintenance' });
      case '/slow':
        setTimeout(() => json(200, { status: 'ok' }), Number(url.searchParams.get('ms')));
        return;
      case '/hang':
        return; // Never answers.
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('x'.repeat(200 * 1024));
      default:
        res.writeHead(404).end();
    }
  });
}

describe('http.request', () => {
  let server: http.Server;
  let base: string;

  before(async () => {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('returns status, headers, parsed JSON body, latency and ok', async () => {
    const result = await request.run({ url: `${base}/json` });
    assert.equal(result.status, 200);
    assert.equal(result.ok, true);
    assert.deepEqual(result.body, { status: 'ok', items: [{ ok: true }, { ok: false }], n: 3 });
    assert.equal(result.headers['x-served-by'], 'test');
    assert.match(String(result.headers['content-type']), /application\/json/);
    assert.equal(typeof result.latencyMs, 'number');
    assert.ok(result.latencyMs >= 0 && result.latencyMs < 5000);
    assert.equal(result.truncated, false);
  });

  it('returns a non-JSON body as text', async () => {
    const result = await request.run({ url: `${base}/text` });
    assert.equal(result.body, 'hello world');
  });

  it('leaves the body out of the result with captureBody: false, but still checks expectations against it', async () => {
    const result = await request.run({ url: `${base}/json`, captureBody: false, expect: { bodyContains: '"n":3' } });
    assert.equal(result.status, 200);
    assert.equal('body' in result, false);
    await assert.rejects(request.run({ url: `${base}/json`, captureBody: false, expect: { bodyContains: 'absent' } }));
  });

  it('returns a non-2xx answer with ok false when nothing is expected of it', async () => {
    const result = await request.run({ url: `${base}/status?code=503` });
    assert.equal(result.status, 503);
    assert.equal(result.ok, false);
  });

  it('sends an object body as JSON with content-type application/json, and a string body verbatim', async () => {
    const asJson = await request.run({ method: 'POST', url: `${base}/echo`, body: { a: 1, b: [true] } });
    const echoed = asJson.body as { method: string; headers: Record<string, string>; body: string };
    assert.equal(echoed.method, 'POST');
    assert.equal(echoed.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(echoed.body), { a: 1, b: [true] });

    const asText = await request.run({ method: 'PUT', url: `${base}/echo`, body: 'plain=1', headers: { 'content-type': 'text/plain' } });
    const echoedText = asText.body as { headers: Record<string, string>; body: string };
    assert.equal(echoedText.body, 'plain=1');
    assert.equal(echoedText.headers['content-type'], 'text/plain');
  });

  it('passes when every expectation holds', async () => {
    const result = await request.run({
      url: `${base}/json`,
      expect: { status: '2xx', bodyContains: '"ok"', jsonPath: { path: 'items[0].ok', equals: true }, maxLatencyMs: 5000 },
    });
    assert.equal(result.status, 200);
    await request.run({ url: `${base}/json`, expect: { status: [201, '20x'], jsonPath: { path: 'status' } } });
    await request.run({ url: `${base}/json`, expect: { jsonPath: { path: 'missing.field', exists: false } } });
    await request.run({ url: `${base}/json`, expect: { jsonPath: { path: 'items.ok', equals: [true, false] } } });
  });

  it('fails retryably with every unmet expectation and its measured value', async () => {
    const failure = await failureOf(
      request.run({
        url: `${base}/status?code=503`,
        expect: { status: 200, bodyContains: 'healthy', jsonPath: { path: 'status', equals: 'ok' } },
      }),
      'HTTP_EXPECTATION_FAILED',
    );
    assert.equal(failure.nonRetryable, false);
    const details = detailsOf(failure);
    assert.equal(details.status, 503);
    const byKind = Object.fromEntries(details.failures.map((f: { expectation: string }) => [f.expectation, f]));
    assert.deepEqual(Object.keys(byKind).sort(), ['bodyContains', 'jsonPath', 'status']);
    assert.equal(byKind.status.actual, 503);
    assert.equal(byKind.jsonPath.actual, 'down');
    assert.equal(byKind.jsonPath.expected, 'ok');
    assert.match(details.body, /maintenance/);
    assert.match(failure.message, /expected status 200, got 503/);
  });

  it('fails when the answer is slower than maxLatencyMs', async () => {
    const failure = await failureOf(request.run({ url: `${base}/slow?ms=200`, expect: { maxLatencyMs: 50 } }), 'HTTP_EXPECTATION_FAILED');
    const [latency] = detailsOf(failure).failures;
    assert.equal(latency.expectation, 'maxLatencyMs');
    assert.ok(latency.actual >= 200, `measured ${latency.actual}ms`);
  });

  it('fails a jsonPath expectation on a body that is not JSON', async () => {
    const failure = await failureOf(request.run({ url: `${base}/text`, expect: { jsonPath: { path: 'status' } } }), 'HTTP_EXPECTATION_FAILED');
    assert.match(failure.message, /not JSON/);
  });

  it('times out a server that never answers, within about the timeout, retryably', async () => {
    const started = Date.now();
    const failure = await failureOf(request.run({ url: `${base}/hang`, timeout: '300ms' }), 'HTTP_TIMEOUT');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 290 && elapsed < 1500, `took ${elapsed}ms`);
    assert.equal(failure.nonRetryable, false);
    assert.equal(detailsOf(failure).timeoutMs, 300);
  });

  it('reports a refused connection as HTTP_CONNECT, retryably', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await failureOf(request.run({ url: `http://127.0.0.1:${port}/` }), 'HTTP_CONNECT');
    assert.equal(failure.nonRetryable, false);
    assert.equal(detailsOf(failure).cause, 'ECONNREFUSED');
  });

  it('never returns secret header values, even when the server echoes them', async () => {
    const headers = { authorization: SECRET, 'x-api-key': API_KEY, 'x-trace': 'visible' };
    const result = await request.run({ url: `${base}/echo`, headers });
    const text = JSON.stringify(result);
    assert.ok(!text.includes('s3cr3t-token-value'), text);
    assert.ok(!text.includes(API_KEY), text);
    assert.ok(text.includes('visible'));
    assert.equal(result.headers['set-cookie'], '***');

    const failure = await failureOf(request.run({ url: `${base}/echo`, headers, expect: { status: 500 } }), 'HTTP_EXPECTATION_FAILED');
    const failureText = JSON.stringify({ message: failure.message, details: failure.details });
    assert.ok(!failureText.includes('s3cr3t-token-value') && !failureText.includes(API_KEY), failureText);
  });

  it('masks secret query parameters in failure messages', async () => {
    const failure = await failureOf(request.run({ url: `${base}/status?code=500&token=hunter22`, expect: { status: 200 } }), 'HTTP_EXPECTATION_FAILED');
    assert.ok(!failure.message.includes('hunter22'), failure.message);
    assert.ok(!JSON.stringify(failure.details).includes('hunter22'));
  });

  it('cuts a large text body to 64 KiB and says so', async () => {
    const result = await request.run({ url: `${base}/big` });
    assert.equal(result.truncated, true);
    assert.equal(String(result.body).length, 64 * 1024);
  });

  it('rejects unusable arguments without retrying', async () => {
    for (const args of [{ url: 'not a url' }, { url: 'ftp://example.com/' }, { url: `${base}/json`, timeout: 'soon' }, { url: 'http://user:pw@127.0.0.1/' }]) {
      const failure = await failureOf(request.run(args), 'BAD_ARGUMENT');
      assert.equal(failure.nonRetryable, true);
      assert.ok(!failure.message.includes(':pw@'));
    }
    const failure = await failureOf(request.run({ url: `${base}/json`, expect: { jsonPath: { path: 'items[' } } }), 'BAD_ARGUMENT');
    assert.equal(failure.nonRetryable, true);
  });

  describe('inside an activity', () => {
    it('aborts the request when the activity is cancelled', async () => {
      const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 }, { logger: quiet });
      const started = Date.now();
      setTimeout(() => env.cancel(), 100);
      await assert.rejects(env.run(request.run, { url: `${base}/hang`, timeout: '10s' }), CancelledFailure);
      assert.ok(Date.now() - started < 2000);
    });

    it('ends its own timeout before the activity’s, so the failure says HTTP_TIMEOUT', async () => {
      const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 1_500 }, { logger: quiet });
      const started = Date.now();
      const failure = await failureOf(env.run(request.run, { url: `${base}/hang` }), 'HTTP_TIMEOUT');
      // Half of a start-to-close shorter than twice the one-second margin.
      assert.equal(detailsOf(failure).timeoutMs, 750);
      assert.ok(Date.now() - started < 1_500);
    });
  });
});
