/**
 * Fault injection and upstream failures through a real `genie router` process: added
 * latency, error status share, connection resets, timeouts (504), unreachable origins (502),
 * each visible in the metrics under its own kind.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/demo/environment';
import { openLoop, percentileOf } from '../../src/demo/load-generator';
import { RouterAdminClient } from '../../src/router/admin-client';
import type { RouterConfig } from '../../src/router/config-schema';
import { freePort } from '../helpers/ports';

const TOKEN = 'router-faults-test-token';

describe('router faults and upstream failures (real processes)', function () {
  this.timeout(60_000);
  let env: DemoEnvironment;
  let admin: RouterAdminClient;
  let hang: http.Server;

  before(async () => {
    // An upstream that accepts requests and never answers.
    hang = http.createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    env = await startDemoEnvironment({
      routerPort: await freePort(),
      routerAdminPort: await freePort(),
      stablePort: await freePort(),
      canaryPort: await freePort(),
      token: TOKEN,
    });
    admin = new RouterAdminClient(env.router.adminUrl, TOKEN);
    const config: RouterConfig = structuredClone(env.config);
    const stable = [env.stable.url];
    config.pools.delayed = { origins: stable, faults: { delay: '150ms' } };
    config.pools.erroring = { origins: stable, faults: { errorPercent: 30, errorStatus: 503 } };
    config.pools.aborting = { origins: stable, faults: { abortPercent: 100 } };
    config.pools.hanging = { origins: [`http://127.0.0.1:${(hang.address() as AddressInfo).port}`] };
    config.pools.dead = { origins: [`http://127.0.0.1:${await freePort()}`] };
    for (const name of ['delayed', 'erroring', 'aborting', 'hanging', 'dead'])
      config.routes[name] = { match: { pathPrefix: `/${name}` }, weights: { [name]: 100 } };
    config.routes.hanging.timeout = '300ms';
    await admin.putConfig(config);
  });
  after(async () => {
    await env?.stop();
    hang?.closeAllConnections();
    hang?.close();
  });

  it('adds the configured latency', async () => {
    const delayed = await openLoop({ origin: env.router.url, path: '/delayed', rate: 100, count: 20 });
    const direct = await openLoop({ origin: env.router.url, path: '/', rate: 100, count: 20 });
    assert.equal(delayed.ok, 20);
    assert.ok(Math.min(...delayed.latenciesMs) >= 148, `min ${Math.min(...delayed.latenciesMs)}`);
    assert.ok(percentileOf(delayed.latenciesMs, 0.5) - percentileOf(direct.latenciesMs, 0.5) >= 145);
    const stats = await admin.stats({ pool: 'delayed' });
    assert.ok(stats.pools.delayed.latencyMs.p50 >= 145, JSON.stringify(stats.pools.delayed.latencyMs));
  });

  it('answers the configured share with the error status (30% ± 7 points over 400)', async () => {
    const r = await openLoop({ origin: env.router.url, path: '/erroring', rate: 1000, count: 400, collectBodies: true });
    const errors = r.statuses['503'] ?? 0;
    assert.equal(errors + (r.statuses['200'] ?? 0), 400, JSON.stringify(r.statuses));
    assert.ok(Math.abs(errors / 400 - 0.3) <= 0.07, `${errors} of 400 were 503`);
    assert.ok(r.bodies!.some((b) => b.includes('FAULT_INJECTED')));
    const stats = await admin.stats({ pool: 'erroring' });
    assert.equal(stats.pools.erroring.errors, errors);
    assert.equal(stats.pools.erroring.errorsByKind.status5xx, errors);
  });

  it('resets the connection for aborted requests', async () => {
    const r = await openLoop({ origin: env.router.url, path: '/aborting', rate: 100, count: 5 });
    assert.equal(r.completed, 0);
    assert.equal(r.errors, 5);
    assert.ok(
      Object.keys(r.failures).every((code) => /ECONNRESET|UND_ERR_SOCKET/.test(code)),
      JSON.stringify(r.failures),
    );
    const stats = await admin.stats({ pool: 'aborting' });
    assert.equal(stats.pools.aborting.errorsByKind.aborted, 5);
    assert.equal(stats.pools.aborting.statusClasses.none, 5);
  });

  it('answers 504 when the upstream does not respond within the route timeout', async () => {
    const started = performance.now();
    const r = await request(`${env.router.url}/hanging`);
    const elapsed = performance.now() - started;
    const body = (await r.body.json()) as { error: { code: string } };
    assert.equal(r.statusCode, 504);
    assert.equal(body.error.code, 'UPSTREAM_TIMEOUT');
    assert.ok(elapsed >= 290 && elapsed < 1500, `504 after ${elapsed} ms`);
    const stats = await admin.stats({ pool: 'hanging' });
    assert.equal(stats.pools.hanging.errorsByKind.timeout, 1);
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const r = await request(`${env.router.url}/dead/x`);
    const body = (await r.body.json()) as { error: { code: string } };
    assert.equal(r.statusCode, 502);
    assert.equal(body.error.code, 'UPSTREAM_CONNECT');
    // With a request body too: the client still gets its 502, not a reset connection.
    const post = await request(`${env.router.url}/dead/upload`, { method: 'POST', body: 'x'.repeat(200_000) });
    assert.equal(post.statusCode, 502);
    await post.body.dump();
    const stats = await admin.stats({ pool: 'dead' });
    assert.equal(stats.pools.dead.errorsByKind.connect, 2);
    const text = await admin.metricsText();
    assert.match(text, /^genie_router_pool_errors_total\{pool="dead",kind="connect"\} 2$/m);
  });

  it('applies fault changes from the admin API at once, and clears them', async () => {
    const set = await admin.call('PUT', '/pools/stable/faults', { body: { errorPercent: 100, errorStatus: 500 } });
    assert.equal(set.status, 200, set.text);
    const failing = await openLoop({ origin: env.router.url, path: '/any', rate: 500, count: 20 });
    assert.equal(failing.statuses['500'], 20);
    assert.equal((await admin.call('DELETE', '/pools/stable/faults')).status, 200);
    const healthy = await openLoop({ origin: env.router.url, path: '/any', rate: 500, count: 20 });
    assert.equal(healthy.ok, 20);
  });
});
