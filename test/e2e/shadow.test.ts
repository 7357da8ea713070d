/**
 * Shadow testing end to end, with real processes: the router mirrors live traffic (undici
 * load) to a candidate that changes one field and to a second instance of the primary
 * version; shadow.compare reports exactly that field, while the random request id and the
 * timestamp are cancelled as noise without being configured. Then the shipped
 * runbooks/shadow-test.yaml on a real Temporal dev server: it fails on the changed field,
 * passes when that field is ignored, and leaves the mirror off either way.
 */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { compare } from '../../activities/shadow';
import { admin, mirror, shadowPairs } from '../../activities/traffic';
import { spawnGenie, startDemoEnvironment, type DemoEnvironment, type ProcessHandle } from '../../src/demo/environment';
import { openLoop } from '../../src/demo/load-generator';
import type { RouterConfig } from '../../src/router/config-schema';
import type { ShadowPair } from '../../src/router/shadow-ring';
import { freePort } from '../helpers/ports';
import { startInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

const TOKEN = 'shadow-e2e-secret-token';
const ENDPOINT = 'GET /items/:id';

describe('shadow testing (real router, demo services, Temporal)', function () {
  this.timeout(90_000);
  let env: DemoEnvironment;
  let noise: ProcessHandle;
  const saved = { url: process.env.GENIE_ROUTER_ADMIN_URL, token: process.env.GENIE_ROUTER_TOKEN };

  before(async () => {
    // Same version everywhere; the candidate differs in one field (price), every answer in requestId and timestamp.
    env = await startDemoEnvironment({
      routerPort: await freePort(),
      routerAdminPort: await freePort(),
      stablePort: await freePort(),
      canaryPort: await freePort(),
      token: TOKEN,
      stable: { version: '1.0.0', fields: { price: 10 } },
      canary: { version: '1.0.0', fields: { price: 12 } },
    });
    process.env.GENIE_ROUTER_ADMIN_URL = env.router.adminUrl;
    process.env.GENIE_ROUTER_TOKEN = TOKEN;
    // The noise pool: a second instance of the primary version (its own process).
    const port = await freePort();
    noise = spawnGenie('stable-2', `http://127.0.0.1:${port}`, [
      'demo-service',
      '--name',
      'stable-2',
      '--version',
      '1.0.0',
      '--port',
      String(port),
      '--field',
      'price=10',
    ]);
    await waitHealthy(`${noise.url}/health`);
    const current = await admin<{ version: number; config: RouterConfig }>({}, 'GET', '/config');
    const config = { ...current.config, pools: { ...current.config.pools, 'stable-2': { origins: [noise.url] } } };
    await admin({}, 'PUT', `/config?expectVersion=${current.version}`, config);
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
    await noise?.stop();
  });

  it('reports the changed field and cancels the random request id as noise, unconfigured', async () => {
    await shadowPairs.run({ limit: 1, clear: true });
    const on = await mirror.run({ route: 'default', pool: 'canary', extraPools: ['stable-2'], percent: 100 });
    assert.deepEqual(on.mirror, { pools: ['stable-2', 'canary'], percent: 100 });
    const load = await openLoop({ origin: env.router.url, path: '/items/7?q=1', rate: 300, count: 60 });
    assert.equal(load.ok, 60, JSON.stringify(load.statuses));
    await waitForPairs(120);

    // One request, two pairs: same primary answer, one per shadow pool, one group.
    const { pairs } = (await shadowPairs.run({ limit: 1000 })) as { pairs: ShadowPair[] };
    const byGroup = new Map<number, ShadowPair[]>();
    for (const p of pairs) byGroup.set(p.group!, [...(byGroup.get(p.group!) ?? []), p]);
    assert.equal(byGroup.size, 60);
    for (const group of byGroup.values()) {
      assert.deepEqual(group.map((p) => p.shadow.pool).sort(), ['canary', 'stable-2']);
      assert.equal(group[0].primary.body, group[1].primary.body);
    }

    const withNoise = await compare.run({ route: 'default', candidatePool: 'canary', noisePool: 'stable-2', minPairs: 50 });
    assert.equal(withNoise.pairs, 60);
    assert.equal(withNoise.noisePairs, 60);
    assert.deepEqual(withNoise.differingFields, [`${ENDPOINT} $.price`]);
    for (const field of ['$.requestId', '$.timestamp', '$.service'])
      assert.ok(withNoise.noiseFields.includes(`${ENDPOINT} ${field}`), `${field} not noise: ${JSON.stringify(withNoise.noiseFields)}`);
    assert.equal(withNoise.mismatchRate, 1);
    assert.equal(withNoise.passed, false);
    assert.match(withNoise.reasons.join(' '), /mismatch rate 1 > 0 .*\$\.price/);
    const endpoint = withNoise.endpoints[0];
    assert.equal(endpoint.endpoint, ENDPOINT);
    const price = endpoint.fields[0];
    assert.deepEqual([price.field, price.rate, price.noiseRate, price.noise], ['$.price', 1, 0, false]);
    assert.deepEqual(price.examples[0].primary, 10);
    assert.deepEqual(price.examples[0].candidate, 12);
    assert.ok(endpoint.latencyDeltaMs && Number.isFinite(endpoint.latencyDeltaMs.p50) && Number.isFinite(endpoint.latencyDeltaMs.p95));

    // The same pairs without the second primary: the nondeterministic fields look like real differences.
    const withoutNoise = await compare.run({ route: 'default', candidatePool: 'canary' });
    for (const field of ['$.price', '$.requestId', '$.timestamp']) assert.ok(withoutNoise.differingFields.includes(`${ENDPOINT} ${field}`), field);
    assert.equal(withoutNoise.noisePairs, 0);

    // Ignoring the price by rule leaves nothing: the candidate passes.
    const ignored = await compare.run({ route: 'default', candidatePool: 'canary', noisePool: 'stable-2', ignore: ['$.price'], clear: true });
    assert.equal(ignored.passed, true, JSON.stringify(ignored.reasons));
    assert.equal(ignored.mismatches, 0);
    assert.equal((await shadowPairs.run({ limit: 1 })).stats.size, 0, 'clear emptied the ring');
    await mirror.run({ route: 'default', pool: 'canary', percent: 0 });
  });

  describe('runbooks/shadow-test.yaml', () => {
    let temporal: TestWorkflowEnvironment;
    const queue = uniqueQueue('shadow');
    before(async () => {
      temporal = await localEnv();
    });

    const run = (params: Record<string, unknown>) =>
      withWorker(temporal, queue, async () => {
        const handle = await startInline(temporal, queue, 'shadow-test', {
          params: { route: 'default', shadowPool: 'canary', noisePool: 'stable-2', requests: 30, duration: '30s', minPairs: 20, ...params },
        });
        // Live traffic while the runbook mirrors, until it ends.
        let done = false;
        const traffic = (async () => {
          while (!done) await openLoop({ origin: env.router.url, path: '/items/42', rate: 200, count: 20 });
        })();
        try {
          return await handle.result();
        } finally {
          done = true;
          await traffic;
        }
      });

    it('fails on the changed field (SHADOW_MISMATCH), reporting it and the noise, and turns the mirror off', async () => {
      const result = await run({});
      assert.equal(result.error?.code, 'SHADOW_MISMATCH', JSON.stringify(result.error));
      assert.match(result.error!.message, /\$\.price/);
      assert.notEqual(result.status, 'succeeded');
      const compared = result.steps.find((s) => s.id === 'compare')!.output as { differingFields: string[]; noiseFields: string[]; pairs: number };
      assert.deepEqual(compared.differingFields, [`${ENDPOINT} $.price`]);
      assert.ok(compared.noiseFields.includes(`${ENDPOINT} $.requestId`), JSON.stringify(compared.noiseFields));
      assert.ok(compared.pairs >= 20);
      const route = await admin<{ mirror?: { percent: number } }>({}, 'GET', '/routes/default');
      assert.equal(route.mirror?.percent, 0, 'the mirror was switched off');
    });

    it('passes when the changed field is ignored (a list parameter), with outputs', async () => {
      const result = await run({ ignorePaths: ['$.price'] });
      assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
      assert.equal(result.outputs.passed, true);
      assert.equal(result.outputs.mismatchRate, 0);
      assert.deepEqual(result.outputs.differingFields, []);
      assert.ok((result.outputs.pairs as number) >= 20);
      const route = await admin<{ mirror?: { percent: number } }>({}, 'GET', '/routes/default');
      assert.equal(route.mirror?.percent, 0);
    });
  });
});

async function waitForPairs(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stats } = (await shadowPairs.run({ limit: 1 })) as unknown as { stats: { captured: number } };
    if (stats.captured >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${stats.captured} of ${count} shadow pairs after 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitHealthy(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await request(url);
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
