/**
 * The router's admin API as an operator (or a runbook) meets it: a real `genie router`
 * process in front of two real demo services. Token required, refused changes change
 * nothing, compare-and-set conflicts are 409, metrics reflect traffic.
 */
import { strict as assert } from 'node:assert';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/demo/environment';
import { openLoop } from '../../src/demo/load-generator';
import { RouterAdminClient } from '../../src/router/admin-client';
import { freePort } from '../helpers/ports';

const TOKEN = 'router-admin-test-token-0123456789';

describe('router admin API (real processes)', function () {
  this.timeout(60_000);
  let env: DemoEnvironment;
  let admin: RouterAdminClient;

  before(async () => {
    env = await startDemoEnvironment({
      routerPort: await freePort(),
      routerAdminPort: await freePort(),
      stablePort: await freePort(),
      canaryPort: await freePort(),
      token: TOKEN,
    });
    admin = new RouterAdminClient(env.router.adminUrl, TOKEN);
  });
  after(async () => {
    await env?.stop();
  });

  it('answers 401 without the token or with a wrong one, and never echoes the token', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      for (const [method, path] of [
        ['GET', '/config'],
        ['PUT', '/routes/default/weights'],
        ['GET', '/stats'],
        ['GET', '/metrics'],
        ['GET', '/shadow/pairs'],
        ['DELETE', '/shadow/pairs'],
      ] as const) {
        const a = await admin.call(method, path, { token, body: method === 'PUT' ? { weights: { stable: 0, canary: 100 } } : undefined });
        assert.equal(a.status, 401, `${method} ${path} with ${token}`);
        assert.ok(!a.text.includes(TOKEN), 'the token is echoed');
      }
    }
    assert.equal((await admin.call('GET', '/config', { headers: { authorization: `Basic ${TOKEN}` }, token: null })).status, 401);
    // Nothing changed.
    assert.equal((await admin.getConfig()).version, 1);
    // Health needs no token.
    const health = await admin.call('GET', '/health', { token: null });
    assert.equal(health.status, 200);
    assert.equal(health.json.status, 'ok');
  });

  it('refuses a malformed config with 400 and the reasons, and changes nothing', async () => {
    const before = await admin.call('GET', '/config');
    const bad: Array<[string, string | object, RegExp]> = [
      ['YAML syntax', 'pools: [unclosed', /not valid YAML/],
      ['weights not summing to 100', { ...(before.json.config as object), routes: { default: { weights: { stable: 60, canary: 60 } } } }, /sum to 100/],
      ['unknown pool', { ...(before.json.config as object), routes: { default: { weights: { stable: 90, ghost: 10 } } } }, /no pool named 'ghost'/],
      ['unknown field', { ...(before.json.config as object), extra: true }, /unknown field 'extra'/],
    ];
    for (const [what, body, reason] of bad) {
      const a = await admin.call<{ error: { code: string; message: string; problems: unknown[] } }>('PUT', '/config', { body });
      assert.equal(a.status, 400, what);
      assert.equal(a.json.error.code, 'CONFIG_INVALID', what);
      assert.match(a.json.error.message, reason, what);
      assert.ok(a.json.error.problems.length > 0);
    }
    for (const [body, reason] of [
      [{ weights: { stable: 50 } }, /sum to 100/],
      [{ weights: { stable: 50, canary: 60 } }, /sum to 100/],
      [{ weights: 'half' }, /weights/],
      ['not json', /not JSON/],
    ] as const) {
      const a = await admin.call<{ error: { message: string } }>('PUT', '/routes/default/weights', { body });
      assert.equal(a.status, 400, JSON.stringify(body));
      assert.match(a.json.error.message, reason);
    }
    assert.equal((await admin.call('PUT', '/routes/nope/weights', { body: { weights: { stable: 100 } } })).status, 404);
    assert.equal((await admin.call('PUT', '/routes/default/mirror', { body: { pool: 'ghost', percent: 10 } })).status, 400);
    assert.equal((await admin.call('PUT', '/pools/stable/faults', { body: { errorPercent: 200 } })).status, 400);
    const after = await admin.call('GET', '/config');
    assert.deepEqual(after.json, before.json, 'config changed after refused changes');
    assert.equal(after.headers.etag, '"1"');
    // Traffic still flows on the unchanged config.
    const r = await openLoop({ origin: env.router.url, path: '/x', rate: 200, count: 20, collectBodies: true });
    assert.equal(r.ok, 20);
    assert.ok(r.bodies!.every((b) => JSON.parse(b).version === '1.0.0'));
  });

  it('compare-and-set: a change against a stale version is 409 and changes nothing', async () => {
    const { version } = await admin.getConfig();
    const first = await admin.setWeights('default', { stable: 80, canary: 20 }, version);
    assert.equal(first.version, version + 1);
    assert.deepEqual(first.previous.weights, { stable: 100, canary: 0 });
    assert.deepEqual(first.weights, { stable: 80, canary: 20 });

    const stale = await admin.call<{ error: { code: string; currentVersion: number } }>('PUT', '/routes/default/weights', {
      body: { weights: { stable: 50, canary: 50 }, expectVersion: version },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.error.code, 'VERSION_CONFLICT');
    assert.equal(stale.json.error.currentVersion, version + 1);
    const staleConfig = await admin.call('PUT', '/config', { body: (await admin.getConfig()).config, headers: { 'if-match': `"${version}"` } });
    assert.equal(staleConfig.status, 409);

    const now = await admin.getConfig();
    assert.equal(now.version, version + 1);
    assert.deepEqual(now.config.routes.default.weights, { stable: 80, canary: 20 });
    // Back to all-stable, conditionally on the version just read.
    const back = await admin.setWeights('default', { stable: 100, canary: 0 }, now.version);
    assert.equal(back.version, now.version + 1);
  });

  it('reports traffic per pool and route as JSON (10 s / 60 s windows) and in Prometheus text', async () => {
    await admin.setWeights('default', { stable: 50, canary: 50 });
    const load = await openLoop({ origin: env.router.url, path: '/metrics-test', rate: 400, count: 200 });
    assert.equal(load.ok, 200);
    await admin.call('GET', '/config'); // a request to /no-route below must not count on any pool
    const stats10 = await admin.stats({ window: '10s' });
    assert.equal(stats10.window, '10s');
    const { stable, canary } = stats10.pools;
    assert.ok(stable.requests + canary.requests >= 200, JSON.stringify(stats10.pools));
    assert.ok(stable.requests > 50 && canary.requests > 50, 'both pools served part of a 50/50 split');
    assert.equal(stable.errors, 0);
    for (const q of ['p50', 'p95', 'p99'] as const) assert.ok(stable.latencyMs[q] > 0 && stable.latencyMs[q] < 1000, `${q} ${stable.latencyMs[q]}`);
    assert.ok(stable.latencyMs.p50 <= stable.latencyMs.p95 && stable.latencyMs.p95 <= stable.latencyMs.p99);
    assert.ok(stats10.routes.default.requests >= 200);

    const onlyCanary = await admin.stats({ window: '60s', pool: 'canary', buckets: 'true', series: 'true' });
    assert.deepEqual(Object.keys(onlyCanary.pools), ['canary']);
    assert.equal(onlyCanary.routes, undefined);
    assert.ok(onlyCanary.pools.canary.latencyBucketsMs.reduce((n: number, [, c]: [number, number]) => n + c, 0) === onlyCanary.pools.canary.requests);
    assert.ok(onlyCanary.pools.canary.series.length >= 1);
    assert.equal((await admin.call('GET', '/stats?window=5m')).status, 400);
    assert.equal((await admin.call('GET', '/stats?pool=ghost')).status, 404);

    const text = await admin.metricsText();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    assert.ok(value(/^genie_router_pool_requests_total\{pool="stable"\} (\d+)$/m) >= stable.requests);
    assert.ok(value(/^genie_router_route_requests_total\{route="default"\} (\d+)$/m) >= 200);
    assert.ok(value(/^genie_router_pool_request_duration_seconds_count\{pool="canary"\} (\d+)$/m) >= canary.requests);
    assert.match(text, /^genie_router_pool_request_duration_seconds_bucket\{pool="stable",le="\+Inf"\} \d+$/m);
    assert.match(text, /^genie_router_pool_window_latency_seconds\{pool="stable",window="10s",quantile="0.99"\} [\d.e-]+$/m);
    assert.match(text, /^genie_router_route_weight_percent\{route="default",pool="canary"\} 50$/m);
    assert.match(text, /^genie_router_config_version \d+$/m);
    assert.match(text, /^# TYPE genie_router_pool_requests_total counter$/m);
  });
});
