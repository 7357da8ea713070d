/**
 * The traffic.* actions against a real router process: what a runbook step gets back, and
 * how each refusal fails (retryable or not). The token comes from the environment only and
 * never appears in a result or an error.
 */
import { strict as assert } from 'node:assert';
import { request } from 'undici';
import { actionCatalog } from '../../activities/registry';
import { get, metrics, mirror, setWeights, shadowPairs } from '../../activities/traffic';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/demo/environment';
import { openLoop } from '../../src/demo/load-generator';
import { validateDefinition } from '../../src/dsl';
import { freePort } from '../helpers/ports';
import { failureOf, detailsOf } from '../unit/activities/failure';

const TOKEN = 'traffic-actions-secret-token';

describe('traffic.* actions (real router)', function () {
  this.timeout(60_000);
  let env: DemoEnvironment;
  const saved = { url: process.env.GENIE_ROUTER_ADMIN_URL, token: process.env.GENIE_ROUTER_TOKEN };

  before(async () => {
    env = await startDemoEnvironment({
      routerPort: await freePort(),
      routerAdminPort: await freePort(),
      stablePort: await freePort(),
      canaryPort: await freePort(),
      token: TOKEN,
    });
    process.env.GENIE_ROUTER_ADMIN_URL = env.router.adminUrl;
    process.env.GENIE_ROUTER_TOKEN = TOKEN;
  });
  after(async () => {
    for (const [key, value] of [
      ['GENIE_ROUTER_ADMIN_URL', saved.url],
      ['GENIE_ROUTER_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await env?.stop();
  });

  it('are registered, and a runbook using them validates', () => {
    for (const name of ['traffic.get', 'traffic.setWeights', 'traffic.mirror', 'traffic.metrics', 'traffic.shadowPairs'])
      assert.ok(actionCatalog.has(name), name);
    const result = validateDefinition(
      {
        apiVersion: 'genie.dev/v1',
        kind: 'canary',
        metadata: { name: 'shift', version: '1.0.0' },
        steps: [
          { id: 'before', action: 'traffic.get', with: { route: 'default' } },
          {
            id: 'shift',
            action: 'traffic.setWeights',
            with: { route: 'default', weights: { stable: 90, canary: 10 }, expectVersion: '{% $steps.before.output.version %}' },
          },
          { id: 'watch', action: 'traffic.metrics', with: { pool: 'canary', window: '10s' } },
        ],
        onFailure: [{ id: 'rollback', action: 'traffic.setWeights', with: { route: 'default', weights: '{% $steps.shift.output.previousWeights %}' } }],
      },
      actionCatalog,
    );
    assert.deepEqual(result.diagnostics, [], JSON.stringify(result.diagnostics));
    const bad = validateDefinition(
      {
        apiVersion: 'genie.dev/v1',
        kind: 'canary',
        metadata: { name: 'bad', version: '1.0.0' },
        steps: [{ id: 'x', action: 'traffic.setWeights', with: { route: 'default', weights: { stable: 101 }, token: 'x' } }],
      },
      actionCatalog,
    );
    assert.ok(
      bad.diagnostics.some((d) => d.code === 'ACTION_ARGS'),
      'a token argument or a weight above 100 is refused when validating',
    );
  });

  it('traffic.get reads a route or the whole config, with the version', async () => {
    const route = (await get.run({ route: 'default' })) as Record<string, unknown>;
    assert.equal(route.version, 1);
    assert.deepEqual(route.weights, { stable: 100, canary: 0 });
    const all = (await get.run({})) as { version: number; config: unknown };
    assert.equal(all.version, 1);
    assert.deepEqual(Object.keys((all.config as { pools: object }).pools), ['stable', 'canary']);
  });

  it('traffic.setWeights returns previous and new weights and versions; a stale expectVersion is VERSION_CONFLICT (not retryable)', async () => {
    const shifted = await setWeights.run({ route: 'default', weights: { stable: 90, canary: 10 }, expectVersion: 1 });
    assert.deepEqual(shifted, {
      route: 'default',
      weights: { stable: 90, canary: 10 },
      previousWeights: { stable: 100, canary: 0 },
      version: 2,
      previousVersion: 1,
    });
    const conflict = await failureOf(setWeights.run({ route: 'default', weights: { stable: 50, canary: 50 }, expectVersion: 1 }), 'VERSION_CONFLICT');
    assert.equal(conflict.nonRetryable, true);
    assert.equal(detailsOf(conflict).currentVersion, 2);
    const invalid = await failureOf(setWeights.run({ route: 'default', weights: { stable: 50, canary: 40 } }), 'ROUTER_REFUSED');
    assert.equal(invalid.nonRetryable, true);
    assert.match(invalid.message, /sum to 100/);
    assert.ok(Array.isArray(detailsOf(invalid).problems));
    const unknown = await failureOf(setWeights.run({ route: 'nope', weights: { stable: 100 } }), 'ROUTER_NOT_FOUND');
    assert.equal(unknown.nonRetryable, true);
    // Traffic follows: all canary now.
    await setWeights.run({ route: 'default', weights: { stable: 0, canary: 100 } });
    const body = (await (await request(`${env.router.url}/x`)).body.json()) as { version: string };
    assert.equal(body.version, '1.1.0');
  });

  it('traffic.mirror and traffic.shadowPairs: mirror, read pairs, clear', async () => {
    await setWeights.run({ route: 'default', weights: { stable: 100, canary: 0 } });
    const m = await mirror.run({ route: 'default', pool: 'canary', percent: 100 });
    assert.deepEqual(m.mirror, { pool: 'canary', percent: 100 });
    assert.equal(m.previousMirror, null);
    await openLoop({ origin: env.router.url, path: '/shadowed', rate: 200, count: 10 });
    await new Promise((r) => setTimeout(r, 200));
    const read = await shadowPairs.run({ limit: 3, clear: true });
    assert.equal(read.pairs.length, 3);
    const pair = read.pairs[2] as { primary: { body: string }; shadow: { body: string } };
    assert.equal(JSON.parse(pair.primary.body).version, '1.0.0');
    assert.equal(JSON.parse(pair.shadow.body).version, '1.1.0');
    assert.equal((await shadowPairs.run({})).pairs.length, 0);
    const off = await mirror.run({ route: 'default', pool: 'canary', percent: 0 });
    assert.deepEqual(off.previousMirror, { pool: 'canary', percent: 100 });
  });

  it('traffic.metrics returns the window, and `stats` for a single pool', async () => {
    await openLoop({ origin: env.router.url, path: '/measured', rate: 500, count: 50 });
    const m = await metrics.run({ pool: 'stable', window: '60s' });
    assert.equal(m.window, '60s');
    const stats = m.stats as { requests: number; errorRate: number; latencyMs: { p95: number } };
    assert.ok(stats.requests >= 50);
    assert.equal(stats.errorRate, 0);
    assert.ok(stats.latencyMs.p95 > 0);
    const all = await metrics.run({});
    assert.ok('pools' in all && 'routes' in all);
    await failureOf(metrics.run({ pool: 'ghost' }), 'ROUTER_NOT_FOUND');
  });

  it('fail clearly without configuration, with a wrong token (not retryable), and retryably when the router is down', async () => {
    process.env.GENIE_ROUTER_TOKEN = 'wrong-token';
    const unauthorized = await failureOf(get.run({}), 'ROUTER_UNAUTHORIZED');
    assert.equal(unauthorized.nonRetryable, true);
    delete process.env.GENIE_ROUTER_TOKEN;
    await failureOf(get.run({}), 'ROUTER_NOT_CONFIGURED');
    process.env.GENIE_ROUTER_TOKEN = TOKEN;
    const down = await failureOf(get.run({ adminUrl: `http://127.0.0.1:${await freePort()}` }), 'HTTP_CONNECT');
    assert.equal(down.nonRetryable, false);
    const results = JSON.stringify([await get.run({}), await metrics.run({}), unauthorized.message, down.message, detailsOf(unauthorized)]);
    assert.ok(!results.includes(TOKEN), 'the token leaked into a result or an error');
  });
});
