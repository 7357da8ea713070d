/**
 * The router's multi-pool mirror: config (pool or pools, never both; every pool must exist),
 * and shadow pairs — one per shadow pool, sharing the primary's answer and a group number,
 * whichever finishes first.
 */
import { strict as assert } from 'node:assert';
import { checkRouterConfig } from '../../../src/router/config-validate';
import { RouterConfigError } from '../../../src/router/errors';
import { Excerpt, PendingPair } from '../../../src/router/shadow-pair';
import { ShadowRing } from '../../../src/router/shadow-ring';

const config = (mirror: Record<string, unknown>) => ({
  pools: { stable: { origins: ['http://127.0.0.1:1'] }, canary: { origins: ['http://127.0.0.1:2'] }, 'stable-2': { origins: ['http://127.0.0.1:3'] } },
  routes: { web: { weights: { stable: 100 }, mirror } },
});

function problems(mirror: Record<string, unknown>): string[] {
  try {
    checkRouterConfig(config(mirror));
    return [];
  } catch (error) {
    assert.ok(error instanceof RouterConfigError, String(error));
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

function half(body: string) {
  const excerpt = new Excerpt(100);
  excerpt.add(Buffer.from(body));
  return { status: 200, headers: [], excerpt, latencyMs: 1 };
}

describe('router mirror to several pools', () => {
  it('accepts pool or pools; refuses both, neither, unknown or repeated pools', () => {
    assert.deepEqual(problems({ pool: 'canary', percent: 10 }), []);
    assert.deepEqual(problems({ pools: ['canary', 'stable-2'], percent: 10 }), []);
    assert.deepEqual(problems({ pool: 'canary', pools: ['stable-2'], percent: 10 }), [
      'routes.web.mirror: give exactly one of pool (one shadow) or pools (a list)',
    ]);
    assert.deepEqual(problems({ percent: 10 }), ['routes.web.mirror: give exactly one of pool (one shadow) or pools (a list)']);
    assert.deepEqual(problems({ pools: ['canary', 'ghost'], percent: 10 }), ["routes.web.mirror.pools.1: no pool named 'ghost'"]);
    assert.ok(problems({ pools: ['canary', 'canary'], percent: 10 }).some((p) => /duplicate/.test(p)));
    assert.ok(problems({ pools: [], percent: 10 }).length > 0);
  });

  it('makes one pair per shadow pool with the same primary and group, whichever side finishes first', () => {
    const ring = new ShadowRing(10);
    const request = { method: 'GET', path: '/x', headers: {}, body: '', bodyBytes: 0, truncated: false };
    const first = new PendingPair(ring, 'web', request, 100);
    first.completeShadow('canary', half('c')); // before the primary
    assert.equal(ring.stats().size, 0, 'no pair without the primary');
    first.completePrimary('stable', half('p'));
    first.completeShadow('stable-2', half('s')); // after the primary
    const second = new PendingPair(ring, 'web', request, 100);
    second.completePrimary('stable', half('p2'));
    second.completeShadow('canary', half('c2'));
    const pairs = ring.list();
    assert.deepEqual(
      pairs.map((p) => [p.shadow.pool, p.shadow.body, p.primary.body]),
      [
        ['canary', 'c', 'p'],
        ['stable-2', 's', 'p'],
        ['canary', 'c2', 'p2'],
      ],
    );
    assert.equal(pairs[0].group, pairs[1].group);
    assert.notEqual(pairs[1].group, pairs[2].group);
  });
});
