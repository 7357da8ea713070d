/** Route matching by host and path prefix, and the weighted split across pools. */
import { strict as assert } from 'node:assert';
import { compileConfig, type CompiledConfig } from '../../../src/router/compiled-config';
import type { RouterConfig } from '../../../src/router/config-schema';
import { MetricsRegistry } from '../../../src/router/metrics';
import { normalizeHost, originFormPath, pathMatches, pickPool, selectRoute, stickyKeyOf } from '../../../src/router/route-selection';
import { UpstreamRegistry } from '../../../src/router/upstreams';
import { seededRandom } from './seeded';

const origin = (port: number) => [`http://127.0.0.1:${port}`];

const CONFIG: RouterConfig = {
  pools: { a: { origins: origin(1001) }, b: { origins: origin(1002) }, c: { origins: origin(1003) } },
  routes: {
    catchAll: { weights: { a: 100 } },
    api: { match: { pathPrefix: '/api' }, weights: { a: 70, b: 20, c: 10 } },
    apiV2: { match: { pathPrefix: '/api/v2/' }, weights: { b: 100 } },
    shop: { match: { host: 'shop.example.com' }, weights: { c: 100 } },
    anyShop: { match: { host: '*.shops.example.com', pathPrefix: '/' }, weights: { b: 100 } },
    zero: { match: { pathPrefix: '/zero' }, weights: { a: 0, b: 100 } },
    sticky: { match: { pathPrefix: '/sticky' }, weights: { a: 50, b: 50 }, sticky: { cookie: 'session' } },
  },
};

describe('router route selection', () => {
  let upstreams: UpstreamRegistry;
  let config: CompiledConfig;
  before(() => {
    upstreams = new UpstreamRegistry();
    config = compileConfig(CONFIG, 1, upstreams, new MetricsRegistry());
  });
  after(() => upstreams.destroyAll());

  const route = (host: string | undefined, path: string) => selectRoute(config.routes, normalizeHost(host), path)?.name;

  it('matches path prefixes by whole segments, the longest first', () => {
    assert.equal(route(undefined, '/'), 'catchAll');
    assert.equal(route(undefined, '/api'), 'api');
    assert.equal(route(undefined, '/api/users?x=1'), 'api');
    assert.equal(route(undefined, '/api?x=1'), 'api');
    assert.equal(route(undefined, '/apix'), 'catchAll');
    assert.equal(route(undefined, '/api/v2'), 'apiV2');
    assert.equal(route(undefined, '/api/v2/orders'), 'apiV2');
    assert.equal(route(undefined, '/api/v20'), 'api');
  });

  it('prefers an exact host, then a wildcard host, then any host; ignores case and port', () => {
    assert.equal(route('Shop.Example.com:8080', '/api'), 'shop');
    assert.equal(route('eu.shops.example.com', '/anything'), 'anyShop');
    assert.equal(route('shops.example.com', '/'), 'catchAll');
    assert.equal(route('other.example.com', '/api/x'), 'api');
    assert.equal(normalizeHost('[::1]:8080'), '[::1]');
    assert.equal(pathMatches('/', '*'), true);
    assert.equal(originFormPath('/a?b'), '/a?b');
    assert.equal(originFormPath('http://example.com/api/x?y=1'), '/api/x?y=1');
    assert.equal(originFormPath('*'), undefined);
  });

  it('splits requests by weight (70/20/10 within 1.5 points over 20,000 draws)', () => {
    const api = config.routes.find((r) => r.name === 'api')!;
    const random = seededRandom(1);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[pickPool(api, undefined, random)!.name]++;
    assert.ok(Math.abs((counts.a / n) * 100 - 70) < 1.5, JSON.stringify(counts));
    assert.ok(Math.abs((counts.b / n) * 100 - 20) < 1.5, JSON.stringify(counts));
    assert.ok(Math.abs((counts.c / n) * 100 - 10) < 1.5, JSON.stringify(counts));
  });

  it('never sends anything to a pool with weight 0', () => {
    const zero = config.routes.find((r) => r.name === 'zero')!;
    const random = seededRandom(2);
    for (let i = 0; i < 5_000; i++) assert.equal(pickPool(zero, undefined, random)!.name, 'b');
    for (let i = 0; i < 500; i++) assert.equal(pickPool(zero, `user-${i}`)!.name, 'b');
  });

  it('reads the sticky key from a cookie or a header', () => {
    const sticky = config.routes.find((r) => r.name === 'sticky')!;
    assert.equal(stickyKeyOf(sticky.sticky!, ['Host', 'x', 'Cookie', 'theme=dark; session=abc123; lang=en']), 'abc123');
    assert.equal(stickyKeyOf(sticky.sticky!, ['Cookie', 'theme=dark']), undefined);
    assert.equal(stickyKeyOf({ header: 'x-user' }, ['X-User', 'alice']), 'alice');
    assert.equal(stickyKeyOf({ header: 'x-user' }, ['X-Other', 'alice']), undefined);
    const first = pickPool(sticky, 'abc123')!.name;
    for (let i = 0; i < 20; i++) assert.equal(pickPool(sticky, 'abc123')!.name, first);
  });
});
