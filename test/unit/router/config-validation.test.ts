/** Router config checking: a good config passes; every kind of mistake is named with its path, all at once. */
import { strict as assert } from 'node:assert';
import { parseRouterConfig, checkRouterConfig } from '../../../src/router/config-validate';
import { RouterConfigError } from '../../../src/router/errors';

const GOOD = `
pools:
  stable: { origins: [http://127.0.0.1:8081, http://127.0.0.1:8084] }
  canary:
    origins: [http://127.0.0.1:8082]
    connections: 16
    faults: { delay: 100ms, delayPercent: 50, abortPercent: 1, errorPercent: 5, errorStatus: 502 }
  shadow: { origins: [http://127.0.0.1:8083] }
routes:
  web:
    match: { pathPrefix: / }
    weights: { stable: 90, canary: 10 }
    sticky: { cookie: session }
    timeout: 5s
    mirror: { pool: shadow, percent: 10 }
  api:
    match: { host: api.example.com, pathPrefix: /v1 }
    weights: { stable: 33.3, canary: 66.7 }
defaults: { timeout: 30s, connectTimeout: 2s }
shadow: { capacity: 500, excerptBytes: 2048, maxBodyBytes: 65536, maxInFlight: 100 }
`;

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RouterConfigError, String(error));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.httpStatus, 400);
    return error.problems;
  }
  assert.fail('expected RouterConfigError');
}

function withChange(change: (c: Record<string, any>) => void): Record<string, unknown> {
  const config = parseRouterConfig(GOOD) as Record<string, any>;
  const copy = structuredClone(config);
  change(copy);
  return copy;
}

describe('router config validation', () => {
  it('accepts a full config (YAML or JSON)', () => {
    const config = parseRouterConfig(GOOD);
    assert.equal(config.routes.web.weights.canary, 10);
    assert.deepEqual(parseRouterConfig(JSON.stringify(config)), config);
  });

  const cases: Array<[string, (c: Record<string, any>) => void, RegExp, RegExp]> = [
    [
      'weights that do not sum to 100',
      (c) => {
        c.routes.web.weights = { stable: 90, canary: 20 };
      },
      /routes\.web\.weights/,
      /sum to 100, not 110/,
    ],
    [
      'a weight for an unknown pool',
      (c) => {
        c.routes.web.weights = { stable: 90, cannary: 10 };
      },
      /routes\.web\.weights\.cannary/,
      /no pool named 'cannary'/,
    ],
    [
      'a negative weight',
      (c) => {
        c.routes.web.weights.canary = -10;
      },
      /routes\.web\.weights\.canary/,
      />= 0/,
    ],
    [
      'a mirror to an unknown pool',
      (c) => {
        c.routes.web.mirror.pool = 'nope';
      },
      /routes\.web\.mirror\.pool/,
      /no pool named 'nope'/,
    ],
    [
      'a mirror percent above 100',
      (c) => {
        c.routes.web.mirror.percent = 150;
      },
      /routes\.web\.mirror\.percent/,
      /<= 100/,
    ],
    [
      'an origin with a path',
      (c) => {
        c.pools.stable.origins[1] = 'http://127.0.0.1:8084/api';
      },
      /pools\.stable\.origins\.1/,
      /origin only/,
    ],
    [
      'an origin that is not a URL',
      (c) => {
        c.pools.stable.origins[0] = 'localhost:8081';
      },
      /pools\.stable\.origins\.0/,
      /only http: and https:|not a URL/,
    ],
    [
      'no origins',
      (c) => {
        c.pools.stable.origins = [];
      },
      /pools\.stable\.origins/,
      /fewer than 1/,
    ],
    [
      'an unknown field (a typo)',
      (c) => {
        c.routes.web.wieghts = {};
      },
      /routes\.web/,
      /unknown field 'wieghts'/,
    ],
    [
      'a bad duration',
      (c) => {
        c.routes.web.timeout = '5 seconds';
      },
      /routes\.web\.timeout/,
      /pattern/,
    ],
    [
      'faults adding up to more than 100%',
      (c) => {
        c.pools.canary.faults.abortPercent = 60;
        c.pools.canary.faults.errorPercent = 50;
      },
      /pools\.canary\.faults/,
      /must not exceed 100/,
    ],
    [
      'sticky with both header and cookie',
      (c) => {
        c.routes.web.sticky = { header: 'x-user', cookie: 's' };
      },
      /routes\.web\.sticky/,
      /exactly one/,
    ],
    [
      'two routes claiming the same host and prefix',
      (c) => {
        c.routes.copy = { match: { pathPrefix: '/' }, weights: { stable: 100 } };
      },
      /routes\.(copy|web)\.match/,
      /same host and pathPrefix/,
    ],
    [
      'a pool name with a space',
      (c) => {
        c.pools['my pool'] = { origins: ['http://127.0.0.1:1'] };
      },
      /pools\.my pool/,
      /must match/,
    ],
    [
      'no routes',
      (c) => {
        c.routes = {};
      },
      /routes/,
      /must not be empty/,
    ],
    [
      'a timeout of 0',
      (c) => {
        c.routes.web.timeout = '0ms';
      },
      /routes\.web\.timeout/,
      /out of range/,
    ],
  ];
  for (const [what, change, path, message] of cases) {
    it(`refuses ${what}`, () => {
      const problems = problemsOf(() => checkRouterConfig(withChange(change)));
      assert.ok(
        problems.some((p) => path.test(p.path) && message.test(p.message)),
        JSON.stringify(problems),
      );
    });
  }

  it('reports every problem at once', () => {
    const problems = problemsOf(() =>
      checkRouterConfig(
        withChange((c) => {
          c.routes.web.weights = { stable: 50 };
          c.routes.web.mirror.pool = 'ghost';
        }),
      ),
    );
    assert.equal(problems.length, 2, JSON.stringify(problems));
  });

  it('refuses YAML syntax errors, duplicate keys and non-objects', () => {
    assert.match(problemsOf(() => parseRouterConfig('pools: [unclosed'))[0].message, /not valid YAML/);
    assert.match(problemsOf(() => parseRouterConfig('pools: {}\npools: {}\nroutes: {}'))[0].message, /not valid YAML/);
    assert.ok(problemsOf(() => parseRouterConfig('just a string')).length > 0);
    assert.ok(problemsOf(() => parseRouterConfig('')).length > 0);
  });
});
