/**
 * analysis.measure against a real router (in-process, with a real demo service behind it)
 * and against a Prometheus stand-in — a small HTTP server speaking the Prometheus HTTP query
 * API (/api/v1/query), because no Prometheus binary is installable here. And analysis.judge
 * as a runbook step calls it.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { judge, measure } from '../../../activities/analysis';
import { actionCatalog } from '../../../activities/registry';
import { startDemoService, type DemoService } from '../../../src/demo/service';
import { validateDefinition } from '../../../src/dsl';
import { startRouter, type RunningRouter } from '../../../src/router';
import { failureOf } from '../activities/failure';

const TOKEN = 'measure-test-token';
const AT = 1_700_000_000.5;

/** Stand-in for Prometheus: answers /api/v1/query per query text, records what was asked. */
async function prometheusStandIn(): Promise<{ url: string; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const answers: Record<string, [number, unknown]> = {
    'sum(rate(errors[1m]))': [200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [AT, '0.25'] }] } }],
    'scalar(up)': [200, { status: 'success', data: { resultType: 'scalar', result: [AT, '3'] } }],
    absent_metric: [200, { status: 'success', data: { resultType: 'vector', result: [] } }],
    errors_by_pod: [
      200,
      { status: 'success', data: { resultType: 'vector', result: [1, 2, 3, 4].map((i) => ({ metric: { pod: `p${i}` }, value: [AT, String(i)] })) } },
    ],
    zero_over_zero: [200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [AT, 'NaN'] }] } }],
    'errors[5m]': [200, { status: 'success', data: { resultType: 'matrix', result: [] } }],
    'sum(': [400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 5: unclosed left parenthesis' }],
    overloaded: [503, { status: 'error', errorType: 'unavailable', error: 'too many queries' }],
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    queries.push(query);
    const [status, body] =
      url.pathname === '/api/v1/query'
        ? (answers[query] ?? [400, { status: 'error', errorType: 'bad_data', error: 'unknown' }])
        : [404, { status: 'error', error: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries, close: () => new Promise((r) => server.close(() => r())) };
}

describe('analysis.measure and analysis.judge', function () {
  this.timeout(20_000);
  let prometheus: Awaited<ReturnType<typeof prometheusStandIn>>;
  let service: DemoService;
  let router: RunningRouter;
  const saved = process.env.GENIE_ROUTER_TOKEN;

  before(async () => {
    prometheus = await prometheusStandIn();
    service = await startDemoService({ name: 'stable', version: '1.0.0' });
    router = await startRouter({
      token: TOKEN,
      config: {
        pools: { stable: { origins: [service.url] }, canary: { origins: [service.url] } },
        routes: { web: { match: { pathPrefix: '/' }, weights: { stable: 100, canary: 0 } } },
      },
    });
    process.env.GENIE_ROUTER_TOKEN = TOKEN;
  });
  after(async () => {
    if (saved === undefined) delete process.env.GENIE_ROUTER_TOKEN;
    else process.env.GENIE_ROUTER_TOKEN = saved;
    await router?.close();
    await service?.close();
    await prometheus?.close();
  });

  it('are registered; measure does not retry by itself (the analysis step counts provider errors)', () => {
    for (const name of ['analysis.measure', 'analysis.judge']) assert.ok(actionCatalog.has(name), name);
    assert.equal(measure.defaults.retry?.maxAttempts, 1);
    const result = validateDefinition(
      {
        apiVersion: 'genie.dev/v1',
        kind: 'canary',
        metadata: { name: 'measure', version: '1.0.0' },
        steps: [
          { id: 'r', action: 'analysis.measure', with: { provider: 'router', query: { pool: 'canary', metric: 'errorRate', window: '60s' } } },
          { id: 'p', action: 'analysis.measure', with: { provider: 'prometheus', query: 'sum(rate(errors[1m]))', url: 'http://prom:9090' } },
          {
            id: 'j',
            action: 'analysis.judge',
            with: { metrics: [{ name: 'p95', baseline: [1, 2, 3], canary: [1, 2, null], direction: 'increase', critical: true }], confidence: 0.98 },
          },
        ],
      },
      actionCatalog,
    );
    assert.deepEqual(result.diagnostics, [], JSON.stringify(result.diagnostics));
    const bad = validateDefinition(
      {
        apiVersion: 'genie.dev/v1',
        kind: 'canary',
        metadata: { name: 'bad', version: '1.0.0' },
        steps: [{ id: 'r', action: 'analysis.measure', with: { provider: 'router', query: { pool: 'canary', metric: 'p90' } } }],
      },
      actionCatalog,
    );
    assert.ok(
      bad.diagnostics.some((d) => d.code === 'ACTION_ARGS'),
      'an unknown router metric is refused when validating',
    );
  });

  it('router: counts, rates and latencies of a pool; no requests → null, not 0', async () => {
    for (let i = 0; i < 20; i++) await (await request(`${router.url}/item/${i}`)).body.dump();
    const adminUrl = router.adminUrl;
    const requests = await measure.run({ provider: 'router', query: { pool: 'stable', metric: 'requests' }, adminUrl });
    assert.equal(requests.value, 20);
    assert.equal(requests.provider, 'router');
    assert.ok(!Number.isNaN(Date.parse(requests.at)));
    assert.equal((await measure.run({ provider: 'router', query: { route: 'web', metric: 'errorRate', window: '60s' }, adminUrl })).value, 0);
    const p95 = await measure.run({ provider: 'router', query: { pool: 'stable', metric: 'p95' }, adminUrl });
    assert.ok(typeof p95.value === 'number' && p95.value > 0, `p95 ${p95.value}`);
    const idle = await measure.run({ provider: 'router', query: { pool: 'canary', metric: 'errorRate' }, adminUrl });
    assert.equal(idle.value, null);
    assert.match(idle.noData!, /no requests in the last 10s/);
    assert.equal((await measure.run({ provider: 'router', query: { pool: 'canary', metric: 'requests' }, adminUrl })).value, 0);
    await failureOf(measure.run({ provider: 'router', query: { pool: 'ghost', metric: 'requests' }, adminUrl }), 'ROUTER_NOT_FOUND');
    await failureOf(measure.run({ provider: 'router', query: { pool: 'stable', route: 'web', metric: 'requests' }, adminUrl }), 'MEASURE_BAD_QUERY');
    await failureOf(measure.run({ provider: 'router', query: 'up', adminUrl }), 'MEASURE_BAD_QUERY');
  });

  it('prometheus: a single-sample vector or a scalar is the value; empty or NaN is null', async () => {
    const url = prometheus.url;
    const one = await measure.run({ provider: 'prometheus', query: 'sum(rate(errors[1m]))', url });
    assert.deepEqual(one, { value: 0.25, provider: 'prometheus', query: 'sum(rate(errors[1m]))', at: new Date(AT * 1000).toISOString() });
    assert.equal(prometheus.queries.at(-1), 'sum(rate(errors[1m]))', 'the query arrives intact (URL-encoded)');
    assert.equal((await measure.run({ provider: 'prometheus', query: 'scalar(up)', url: `${url}/` })).value, 3);
    const empty = await measure.run({ provider: 'prometheus', query: 'absent_metric', url });
    assert.equal(empty.value, null);
    assert.equal(empty.noData, 'empty vector');
    const nan = await measure.run({ provider: 'prometheus', query: 'zero_over_zero', url });
    assert.equal(nan.value, null);
    assert.equal(nan.noData, 'NaN');
  });

  it('prometheus: several series, a range vector, a bad query and an outage fail with clear codes', async () => {
    const url = prometheus.url;
    const many = await failureOf(measure.run({ provider: 'prometheus', query: 'errors_by_pod', url }), 'PROMETHEUS_MULTIPLE_SERIES');
    assert.match(many.message, /returned 4 series .*pod.*p1.*aggregate it to one/);
    assert.equal(many.nonRetryable, true);
    await failureOf(measure.run({ provider: 'prometheus', query: 'errors[5m]', url }), 'PROMETHEUS_NOT_A_NUMBER');
    const bad = await failureOf(measure.run({ provider: 'prometheus', query: 'sum(', url }), 'PROMETHEUS_QUERY_ERROR');
    assert.match(bad.message, /400 bad_data: parse error/);
    assert.equal(bad.nonRetryable, true);
    const down = await failureOf(measure.run({ provider: 'prometheus', query: 'overloaded', url }), 'PROMETHEUS_ERROR');
    assert.equal(down.nonRetryable, false);
    await failureOf(measure.run({ provider: 'prometheus', query: 'up', url: 'http://127.0.0.1:9' }), 'HTTP_CONNECT');
    const saved = process.env.GENIE_PROMETHEUS_URL;
    delete process.env.GENIE_PROMETHEUS_URL;
    try {
      await failureOf(measure.run({ provider: 'prometheus', query: 'up' }), 'PROMETHEUS_NOT_CONFIGURED');
    } finally {
      if (saved !== undefined) process.env.GENIE_PROMETHEUS_URL = saved;
    }
    await failureOf(measure.run({ provider: 'prometheus', query: { pool: 'x', metric: 'requests' } }), 'MEASURE_BAD_QUERY');
  });

  it('judge: the verdict with every number; nulls are missing values; bad input is not retried', async () => {
    const range = (from: number) => Array.from({ length: 10 }, (_, i) => from + i);
    const j = await judge.run({
      metrics: [
        { name: 'p95', baseline: range(10), canary: range(20), critical: true },
        { name: 'errors', baseline: [0, null, 0], canary: [null, null, 0] },
      ],
    });
    assert.equal(j.verdict, 'Failed');
    assert.equal(j.metrics[0].classification, 'High');
    assert.equal(j.metrics[1].classification, 'NoData');
    assert.equal(j.metrics[1].canary.count, 1);
    assert.equal(JSON.stringify(j).includes('NaN'), false);
    const bad = await failureOf(judge.run({ metrics: [{ name: 'a', baseline: [1], canary: [1] }], pass: 50, marginal: 60 }), 'JUDGE_BAD_INPUT');
    assert.equal(bad.nonRetryable, true);
  });
});
