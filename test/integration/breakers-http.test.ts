/**
 * The circuit breaker in front of a real HTTP dependency (node:http on 127.0.0.1): failures
 * trip it, rejected calls are fast and never reach the server, half-open recovery closes it,
 * and actions surface the rejection as a retryable BREAKER_OPEN failure naming the destination.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ApplicationFailure } from '@temporalio/common';
import { request } from '../../activities/http';
import { webhook } from '../../activities/notify';
import { http as healthHttp } from '../../activities/health/http';
import { HttpBreakerOpenError, HttpConnectError, httpRequest } from '../../src/http/client';
import { withBreakers } from '../../src/resilience/current';
import type { BreakerOptions } from '../../src/resilience/options';
import { BreakerRegistry } from '../../src/resilience/registry';
import { detailsOf, failureOf } from '../unit/activities/failure';

const OPTIONS: Partial<BreakerOptions> = {
  minimumCalls: 4,
  window: { type: 'count', size: 10 },
  failureRateThreshold: 0.5,
  openDurationMs: 300,
  halfOpenCalls: 1,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit breaker: a failing HTTP dependency', function () {
  this.timeout(20_000);
  let server: http.Server;
  let base: string;
  let status = 500;
  let received = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      received++;
      if (req.url?.startsWith('/hang')) return; // never answers
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    status = 500;
    received = 0;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const get = (breakers: BreakerRegistry, path = '/', timeoutMs = 2000) => httpRequest({ method: 'GET', url: `${base}${path}`, timeoutMs, breakers });

  it('trips on 5xx, rejects fast without reaching the server, and closes again through half-open', async () => {
    const breakers = new BreakerRegistry({ options: OPTIONS });
    for (let i = 0; i < 4; i++) assert.equal((await get(breakers)).status, 500, '5xx answers still come back to the caller');
    const breaker = breakers.get(base);
    assert.equal(breaker.state, 'open');
    assert.equal(received, 4);
    const firstOpenMs = breaker.metrics().openUntil! - Date.now();
    assert.ok(firstOpenMs > 0 && firstOpenMs <= 300, `first open duration ${firstOpenMs} ms, configured 300`);

    // Rejected calls: no request reaches the server, and each takes well under a millisecond.
    const durations: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const error = await get(breakers).catch((e: unknown) => e);
      durations.push(performance.now() - t0);
      assert.ok(error instanceof HttpBreakerOpenError, String(error));
      assert.equal(error.code, 'BREAKER_OPEN');
    }
    durations.sort((a, b) => a - b);
    const median = durations[100];
    assert.ok(median < 1, `median rejected call took ${median.toFixed(3)} ms`);
    assert.equal(received, 4, 'nothing reached the server while open');

    // Still failing when the open duration ends: the one trial fails and the breaker opens for twice as long.
    // (Waiting on the breaker's own deadline: a fixed sleep can end a millisecond early on a busy machine.)
    await sleep(breaker.metrics().openUntil! - Date.now() + 20);
    assert.equal((await get(breakers)).status, 500);
    assert.equal(received, 5);
    assert.equal(breaker.state, 'open');
    const second = breaker.metrics().openUntil! - Date.now();
    assert.ok(second > 450 && second <= 610, `second open duration ${second} ms, expected about 600`);

    // Healthy again: the next trial closes the breaker and calls flow.
    status = 200;
    await sleep(second + 30);
    assert.equal((await get(breakers)).status, 200);
    assert.equal(breaker.state, 'closed');
    assert.equal((await get(breakers)).status, 200);
    assert.equal(received, 7);
  });

  it('does not count 4xx answers: the destination is up, the request is wrong', async () => {
    status = 404;
    const breakers = new BreakerRegistry({ options: OPTIONS });
    for (let i = 0; i < 10; i++) assert.equal((await get(breakers)).status, 404);
    assert.equal(breakers.get(base).state, 'closed');
    assert.equal(breakers.get(base).metrics().window.failures, 0);
  });

  it('counts timeouts and refused connections as failures', async () => {
    const breakers = new BreakerRegistry({ options: OPTIONS });
    for (let i = 0; i < 4; i++) await assert.rejects(get(breakers, '/hang', 30), /timed out/);
    assert.equal(breakers.get(base).state, 'open');

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    for (let i = 0; i < 4; i++) await assert.rejects(httpRequest({ method: 'GET', url: deadUrl, timeoutMs: 2000, breakers }), HttpConnectError);
    await assert.rejects(httpRequest({ method: 'GET', url: deadUrl, timeoutMs: 2000, breakers }), HttpBreakerOpenError);
  });

  it('is one breaker per origin: another port is not affected', async () => {
    const breakers = new BreakerRegistry({ options: OPTIONS });
    breakers.applyOverrides({ [base]: { state: 'open', by: 'alice', reason: 'test' } });
    await assert.rejects(get(breakers), HttpBreakerOpenError);
    assert.equal(breakers.peek('http://127.0.0.1:1'), undefined);
    assert.equal(received, 0);
  });

  it('http.request fails with a retryable BREAKER_OPEN naming the destination and when to retry', async () => {
    const breakers = new BreakerRegistry({ options: OPTIONS });
    await withBreakers(breakers, async () => {
      for (let i = 0; i < 4; i++) await request.run({ url: `${base}/x` });
      const failure: ApplicationFailure = await failureOf(request.run({ url: `${base}/x?token=s3cret` }), 'BREAKER_OPEN');
      assert.equal(failure.nonRetryable, false);
      assert.match(
        failure.message,
        new RegExp(
          `^GET ${base}/x\\S* not sent: circuit breaker for ${base} is open \\(4 of the last 4 calls failed.*\\); calls are rejected until \\S+Z \\(in \\d+ms\\)`,
        ),
      );
      assert.doesNotMatch(failure.message, /s3cret/);
      const details = detailsOf(failure);
      assert.equal(details.breaker, base);
      assert.equal(details.state, 'open');
      assert.ok(details.retryAfterMs > 0 && details.retryAfterMs <= 300);
      assert.ok(failure.nextRetryDelay, 'the next attempt waits until the breaker may let a trial through');
    });
    assert.equal(received, 4);
  });

  it('notify.webhook surfaces the same failure; a forced-open breaker names who and why, with no retry delay', async () => {
    const breakers = new BreakerRegistry({ options: OPTIONS });
    breakers.applyOverrides({ [base]: { state: 'open', by: 'alice', reason: 'receiver migration', at: '2026-01-01T00:00:00.000Z' } });
    await withBreakers(breakers, async () => {
      const failure = await failureOf(webhook.run({ url: `${base}/hook`, payload: { text: 'hi' } }), 'BREAKER_OPEN');
      assert.equal(failure.nonRetryable, false);
      assert.match(failure.message, /POST .* not sent: circuit breaker for .* is forced open by alice \(receiver migration\)/);
      assert.equal(failure.nextRetryDelay, undefined);
      assert.deepEqual(detailsOf(failure).forced, { by: 'alice', reason: 'receiver migration', at: '2026-01-01T00:00:00.000Z' });
    });
    assert.equal(received, 0);
  });

  it('health probes bypass breakers: they observe the destination as it is', async () => {
    const breakers = new BreakerRegistry({ options: OPTIONS });
    breakers.applyOverrides({ [base]: { state: 'open', by: 'alice', reason: 'test' } });
    const verdict = await withBreakers(breakers, () => healthHttp.run({ url: `${base}/`, expectStatus: '5xx' }));
    assert.equal(verdict.status, 'healthy');
    assert.equal(received, 1);
  });
});
