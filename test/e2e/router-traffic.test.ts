/**
 * Traffic through a real `genie router` process: weight changes under load drop nothing,
 * mirroring never slows the primary, shadow pairs are captured (bounded, clearable),
 * bodies stream, headers are rewritten as a proxy should, stickiness holds.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/demo/environment';
import { closedLoop, openLoop, percentileOf } from '../../src/demo/load-generator';
import { RouterAdminClient } from '../../src/router/admin-client';
import type { RouterConfig } from '../../src/router/config-schema';
import { freePort } from '../helpers/ports';

const TOKEN = 'router-traffic-test-token';

interface Echoed {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An upstream that answers with what it received, and remembers it. */
async function echoServer(name: string): Promise<{ url: string; seen: Echoed[]; close(): void }> {
  const seen: Echoed[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echoed = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(echoed);
      if (req.url === '/stream') {
        // First chunk now, the rest later: a buffering proxy would hold the first back.
        res.writeHead(200, { 'content-type': 'text/plain', connection: 'keep-alive, X-Hop', 'keep-alive': 'timeout=5', 'x-hop': 'dropped' });
        res.write('first;');
        setTimeout(() => res.end('second'), 600);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': name });
      res.end(JSON.stringify({ name, ...echoed }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('router traffic (real processes)', function () {
  this.timeout(60_000);
  let env: DemoEnvironment;
  let admin: RouterAdminClient;
  let echoA: Awaited<ReturnType<typeof echoServer>>;
  let echoB: Awaited<ReturnType<typeof echoServer>>;
  let base: RouterConfig;

  before(async () => {
    [env, echoA, echoB] = await Promise.all([
      (async () =>
        startDemoEnvironment({
          routerPort: await freePort(),
          routerAdminPort: await freePort(),
          stablePort: await freePort(),
          canaryPort: await freePort(),
          token: TOKEN,
        }))(),
      echoServer('a'),
      echoServer('b'),
    ]);
    admin = new RouterAdminClient(env.router.adminUrl, TOKEN);
    base = structuredClone(env.config);
    base.pools.echoA = { origins: [echoA.url] };
    base.pools.echoB = { origins: [echoB.url] };
    // The shadow of the mirror tests: the canary made 200 ms slower by a fault.
    base.pools.slowShadow = { origins: [env.canary.url], faults: { delay: '200ms' } };
    base.routes.echo = { match: { pathPrefix: '/echo' }, weights: { echoA: 100 } };
    base.routes.stream = { match: { pathPrefix: '/stream' }, weights: { echoA: 100 } };
    base.routes.mirrored = { match: { pathPrefix: '/mirrored' }, weights: { stable: 100 } };
    base.routes.sticky = { match: { pathPrefix: '/sticky' }, weights: { stable: 50, canary: 50 }, sticky: { header: 'x-user' } };
    base.shadow = { capacity: 5, maxInFlight: 10_000 };
    await admin.putConfig(base);
  });
  after(async () => {
    await env?.stop();
    echoA?.close();
    echoB?.close();
  });

  it('drops no request while weights change 10 times under load (600 requests, zero errors)', async () => {
    await admin.setWeights('default', { stable: 100, canary: 0 });
    const load = openLoop({ origin: env.router.url, path: '/orders', rate: 200, count: 600, collectBodies: true });
    const versions: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const canary = (i + 1) * 10;
      versions.push((await admin.setWeights('default', { stable: 100 - canary, canary })).version);
    }
    const result = await load;
    assert.equal(result.sent, 600);
    assert.equal(result.errors, 0, `statuses ${JSON.stringify(result.statuses)} failures ${JSON.stringify(result.failures)}`);
    assert.equal(result.ok, 600);
    const served = result.bodies!.map((b) => JSON.parse(b).version as string);
    assert.ok(served.includes('1.0.0') && served.includes('1.1.0'), 'both versions served as the weights moved');
    // The last requests (after 100% canary) all hit the canary.
    assert.ok(
      served.slice(-20).every((v) => v === '1.1.0'),
      served.slice(-20).join(','),
    );
    assert.deepEqual(
      versions,
      versions.map((_, i) => versions[0] + i),
      'each change made exactly one new version',
    );
    await admin.setWeights('default', { stable: 100, canary: 0 });
  });

  it('mirroring to a slow shadow adds no latency to the primary (p95 on vs off)', async () => {
    const rounds = 3;
    const off: number[] = [];
    const on: number[] = [];
    const block = async (into: number[]) => {
      const r = await closedLoop({ origin: env.router.url, path: '/mirrored/item', concurrency: 4, durationMs: 500 });
      assert.equal(r.errors, 0);
      into.push(...r.latenciesMs);
    };
    // Alternating blocks, so drift on a shared machine hits both sides alike.
    for (let i = 0; i < rounds; i++) {
      await admin.setMirror('mirrored', null);
      await block(off);
      await admin.setMirror('mirrored', { pool: 'slowShadow', percent: 100 });
      await block(on);
    }
    await admin.setMirror('mirrored', null);
    const p95Off = percentileOf(off, 0.95);
    const p95On = percentileOf(on, 0.95);
    if (process.env.GENIE_TEST_VERBOSE) console.log(`mirror off p95 ${p95Off.toFixed(2)} ms (${off.length}), on p95 ${p95On.toFixed(2)} ms (${on.length})`);
    assert.ok(on.length > 200 && off.length > 200, `${on.length} / ${off.length} samples`);
    // Had the primary waited for the shadow, p95 would be above 200 ms.
    assert.ok(p95On < p95Off * 2 + 5, `p95 with mirror ${p95On.toFixed(2)} ms vs without ${p95Off.toFixed(2)} ms`);
    assert.ok(percentileOf(on, 0.99) < 150, `p99 with mirror ${percentileOf(on, 0.99)}`);
    // The mirror did happen, and the shadow was slow.
    await new Promise((r) => setTimeout(r, 400));
    const stats = await admin.stats({ window: '60s', pool: 'slowShadow' });
    assert.ok(stats.mirror.sent >= on.length * 0.95, `mirror sent ${stats.mirror.sent} for ${on.length} primaries`);
    assert.ok(stats.pools.slowShadow.latencyMs.p50 >= 200, `shadow p50 ${stats.pools.slowShadow.latencyMs.p50}`);
    assert.equal(stats.mirror.droppedInFlight, 0);
  });

  it('captures shadow pairs (request, both responses, both latencies) in a bounded ring; clear empties it', async () => {
    await admin.call('DELETE', '/shadow/pairs');
    await admin.setMirror('echo', { pool: 'echoB', percent: 100 });
    for (let i = 0; i < 8; i++) {
      const r = await request(`${env.router.url}/echo/item/${i}?q=${i}`, { headers: { authorization: 'Bearer user-secret', 'x-case': String(i) } });
      assert.equal(r.statusCode, 200);
      await r.body.dump();
    }
    // A POST is not mirrored unless the mirror says mutating: true.
    await (await request(`${env.router.url}/echo/post`, { method: 'POST', body: 'not mirrored' })).body.dump();
    await new Promise((r) => setTimeout(r, 200));
    const { pairs, stats } = await admin.shadowPairs();
    assert.equal(pairs.length, 5, 'the ring keeps its capacity, the newest');
    assert.equal(stats.captured, 8);
    assert.equal(stats.overwritten, 3);
    assert.deepEqual(
      pairs.map((p) => p.request.path),
      [3, 4, 5, 6, 7].map((i) => `/echo/item/${i}?q=${i}`),
    );
    const last = pairs[4];
    assert.equal(last.route, 'echo');
    assert.equal(last.request.method, 'GET');
    assert.equal(last.request.headers['x-case'], '7');
    assert.equal(last.request.headers.authorization, '***', 'credentials are masked in captures');
    assert.equal(last.primary.pool, 'echoA');
    assert.equal(last.shadow.pool, 'echoB');
    assert.equal(last.primary.status, 200);
    assert.equal(last.shadow.status, 200);
    assert.equal(JSON.parse(last.primary.body).name, 'a');
    assert.equal(JSON.parse(last.shadow.body).name, 'b');
    assert.equal(last.shadow.headers['x-served-by'], 'b');
    assert.ok(last.primary.latencyMs > 0 && last.shadow.latencyMs > 0);
    assert.ok(!echoB.seen.some((e) => e.method === 'POST'), 'a POST was mirrored');
    // The shadow saw the same request, marked as shadow traffic.
    const shadowSeen = echoB.seen.find((e) => e.url === '/echo/item/7?q=7')!;
    assert.equal(shadowSeen.headers['x-genie-shadow'], 'true');
    assert.equal(shadowSeen.headers['x-case'], '7');

    // Mutating requests with mutating: true: the shadow gets the very same body bytes.
    await admin.setMirror('echo', { pool: 'echoB', percent: 100, mutating: true });
    const body = JSON.stringify({ order: 42, note: 'ü'.repeat(1000) });
    await (await request(`${env.router.url}/echo/orders`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).body.dump();
    await new Promise((r) => setTimeout(r, 200));
    const primaryGot = echoA.seen.filter((e) => e.url === '/echo/orders');
    const shadowGot = echoB.seen.filter((e) => e.url === '/echo/orders');
    assert.equal(primaryGot.length, 1);
    assert.equal(shadowGot.length, 1);
    assert.equal(primaryGot[0].body, body);
    assert.equal(shadowGot[0].body, body);

    const read = await admin.shadowPairs({ limit: '1', clear: 'true' });
    assert.equal(read.pairs.length, 1);
    assert.equal(read.pairs[0].request.body, body.slice(0, read.pairs[0].request.body.length));
    assert.equal(read.pairs[0].request.bodyBytes, Buffer.byteLength(body));
    assert.equal((await admin.shadowPairs()).pairs.length, 0, 'clear=true emptied the ring');
    await admin.setMirror('echo', null);
  });

  it('streams response bodies without buffering them', async () => {
    const started = performance.now();
    const r = await request(`${env.router.url}/stream`);
    let firstAt = 0;
    let text = '';
    for await (const chunk of r.body) {
      if (!firstAt) firstAt = performance.now() - started;
      text += chunk;
    }
    const total = performance.now() - started;
    assert.equal(text, 'first;second');
    assert.ok(firstAt < 400, `first chunk after ${firstAt} ms`);
    assert.ok(total >= 550, `whole body after ${total} ms`);
    assert.equal(r.headers['x-hop'], undefined, 'a header named by Connection is hop-by-hop');
  });

  it('forwards headers as a reverse proxy: X-Forwarded-*, upstream Host, no hop-by-hop', async () => {
    const r = await request(`${env.router.url}/echo/headers`, {
      headers: { host: 'shop.example.com', 'x-forwarded-for': '203.0.113.9', 'x-custom': 'kept', 'proxy-authorization': 'Basic x', te: 'trailers' },
    });
    const echoed = (await r.body.json()) as Echoed;
    assert.equal(echoed.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(echoed.headers['x-forwarded-host'], 'shop.example.com');
    assert.equal(echoed.headers['x-forwarded-proto'], 'http');
    assert.equal(echoed.headers.host, new URL(echoA.url).host);
    assert.equal(echoed.headers['x-custom'], 'kept');
    assert.equal(echoed.headers['proxy-authorization'], undefined);
    assert.equal(echoed.headers.te, undefined);
    // Absolute-form targets (what clients configured to use a proxy send) are routed by their path; `*` is refused.
    const raw = async (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(env.router.url).port), '127.0.0.1', () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        );
        let text = '';
        socket.on('data', (d) => {
          text += d;
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    assert.match(await raw('http://shop.example.com/echo/absolute?x=1'), /^HTTP\/1\.1 200[\s\S]*"url":"\/echo\/absolute\?x=1"/);
    assert.match(await raw('*'), /^HTTP\/1\.1 400[\s\S]*BAD_REQUEST_TARGET/);
    // A request body of a few MB streams through intact.
    const big = Buffer.alloc(3 * 1024 * 1024, 'x').toString();
    const posted = (await (await request(`${env.router.url}/echo/big`, { method: 'PUT', body: big })).body.json()) as Echoed;
    assert.equal(posted.body.length, big.length);
  });

  it('keeps a sticky client on one pool of a 50/50 split', async () => {
    const versionsOf = async (user: string) => {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++)
        seen.add(((await (await request(`${env.router.url}/sticky`, { headers: { 'x-user': user } })).body.json()) as { version: string }).version);
      return seen;
    };
    const all = new Set<string>();
    for (const user of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
      const seen = await versionsOf(user);
      assert.equal(seen.size, 1, `${user} saw ${[...seen]}`);
      all.add([...seen][0]);
    }
    assert.equal(all.size, 2, 'users are spread over both pools');
  });
});
