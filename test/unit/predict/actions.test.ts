/**
 * The runbook actions: predict.score, predict.timeToThreshold and metrics.sample (the host,
 * and a Prometheus-compatible API served on 127.0.0.1), called as a worker would.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { actionCatalog } from '../../../activities/registry';
import { validateRunbook } from '../../../src/dsl/validate';
import { sample } from '../../../activities/metrics';
import { MIN_SCORED_POINTS, score, timeToThreshold } from '../../../activities/predict';
import { frozenRule } from '../../../src/predict/thresholds';
import { failureOf } from '../activities/failure';
import { noise, seasonal } from './synthetic';

describe('predict and metrics actions', () => {
  it('are registered, and their arguments are checked when a runbook is loaded', () => {
    for (const name of ['predict.score', 'predict.timeToThreshold', 'metrics.sample']) assert.ok(actionCatalog.has(name), name);
    const runbook = (steps: string) => `apiVersion: genie.dev/v1\nkind: generic\nmetadata: { name: watch, version: 1.0.0 }\nsteps:\n${steps}`;
    const good = validateRunbook(
      runbook(
        [
          '  - { id: sample, action: metrics.sample, with: { source: prometheus, url: "http://prom:9090", query: "sum(rate(errors[1m]))", count: 120, interval: 30s } }',
          '  - { id: score, action: predict.score, with: { series: "{% $steps.sample.output.points %}" } }',
          '  - { id: eta, action: predict.timeToThreshold, with: { series: "{% $steps.sample.output.points %}", threshold: 90, direction: above } }',
        ].join('\n'),
      ),
      'good.yaml',
      actionCatalog,
    );
    assert.deepEqual(good.diagnostics, []);
    const bad = validateRunbook(
      runbook(
        [
          '  - { id: score, action: predict.score, with: { series: [1, 2], detector: prophet } }',
          '  - { id: sample, action: metrics.sample, with: { source: prometheus, query: up } }',
          '  - { id: eta, action: predict.timeToThreshold, with: { series: [1, 2], threshold: 9, direction: up } }',
        ].join('\n'),
      ),
      'bad.yaml',
      actionCatalog,
    );
    const messages = bad.diagnostics.map((d) => d.message).join('\n');
    assert.match(messages, /'detector' of action predict\.score .* 'prophet', expected one of robust-z, ewma, seasonal, iforest, ensemble/);
    assert.match(messages, /metrics\.sample .* missing required argument 'url'/);
    assert.match(messages, /'direction' of action predict\.timeToThreshold/);
  });

  describe('predict.score', () => {
    it('scores every point, flags the spike with the frozen rule, and gives the latest verdict', async () => {
      const series = seasonal(800, 50, 1);
      series[700] += 40;
      const result = await score.run({ series });
      assert.equal(result.status, 'ok');
      assert.equal(result.detector, 'ensemble');
      assert.equal(result.threshold, frozenRule('ensemble').threshold);
      assert.equal(result.scores.length, 800);
      assert.equal(result.likelihood.length, 800);
      assert.ok(
        result.anomalies.some((a) => a.index === 700),
        JSON.stringify(result.anomalies),
      );
      assert.ok(result.anomalies.every((a) => a.score >= result.threshold));
      assert.deepEqual(result.latest && { index: result.latest.index, anomalous: result.latest.anomalous }, { index: 799, anomalous: false });
    });

    it('takes {timestamp, value} points, skips nulls with a count, and reports gaps', async () => {
      const t0 = Date.UTC(2026, 0, 1);
      const series = noise(300, 2).map((value, i) => ({ timestamp: t0 + (i < 200 ? i : i + 10) * 15_000, value: i === 50 ? null : value }));
      const result = await score.run({ series, detector: 'robust-z', threshold: 0.99 });
      assert.deepEqual(result.skipped, { missing: 1 });
      assert.deepEqual(result.gaps, [{ index: 200, missing: 10 }]);
      assert.equal(result.scored, 299);
      assert.ok(result.scores.every((s) => s >= 0 && s <= 1));
    });

    it('a series too short to judge is insufficient-data, not a failure', async () => {
      const result = await score.run({ series: noise(MIN_SCORED_POINTS - 1, 3) });
      assert.equal(result.status, 'insufficient-data');
      assert.match(result.reason ?? '', /130 usable points/);
      assert.deepEqual(result.anomalies, []);
    });

    it('same series, same seed: the same scores on every call', async () => {
      const series = seasonal(600, 40, 4);
      const [a, b] = await Promise.all([score.run({ series, detector: 'iforest', seed: 9 }), score.run({ series, detector: 'iforest', seed: 9 })]);
      assert.deepEqual(a.scores, b.scores);
    });

    it("bad input fails without retrying, with the predictor's code", async () => {
      const failure = await failureOf(score.run({ series: [{ timestamp: 'soon', value: 1 }] }), 'PREDICT_BAD_INPUT');
      assert.equal(failure.nonRetryable, true);
      await failureOf(score.run({ series: [1, 2, 3], detector: 'nope' as never }), 'PREDICT_UNKNOWN_DETECTOR');
    });
  });

  describe('predict.timeToThreshold', () => {
    it('answers a rising disk with an ETA, an interval, a readable time and the crossing date', async () => {
      const t0 = Date.UTC(2026, 0, 1);
      const series = noise(120, 5, 0, 0.3).map((e, i) => ({ timestamp: t0 + i * 60_000, value: 60 + 0.1 * i + e }));
      const result = await timeToThreshold.run({ series, threshold: 90, direction: 'above' });
      assert.equal(result.status, 'trend');
      assert.equal(result.unit, 'ms');
      assert.ok('etaText' in result && /min|h/.test(String(result.etaText)));
      assert.ok('crossesAt' in result && Date.parse(String(result.crossesAt)) > t0 + 119 * 60_000);
    });

    it('answers no-trend for noise', async () => {
      const result = await timeToThreshold.run({ series: noise(100, 6), threshold: 200, direction: 'above' });
      assert.equal(result.status, 'no-trend');
      assert.equal(result.eta, null);
    });
  });

  describe('metrics.sample', () => {
    it('samples the host: memory and load as numbers, count samples interval apart', async () => {
      const memory = await sample.run({ source: 'host', metric: 'memory', count: 3, interval: '20ms' });
      assert.equal(memory.points.length, 3);
      assert.ok(memory.points.every((p) => typeof p.value === 'number' && p.value > 0 && p.value <= 100));
      assert.ok(memory.points[2].timestamp - memory.points[0].timestamp >= 35);
      const load = await sample.run({ source: 'host', metric: 'load1' });
      assert.equal(load.points.length, 1);
      const disk = await sample.run({ source: 'host', metric: 'disk', mount: '/' });
      assert.ok((disk.points[0].value as number) >= 0);
      const cpu = await sample.run({ source: 'host', metric: 'cpu', interval: '100ms' });
      assert.ok((cpu.points[0].value as number) >= 0);
    });

    it('refuses a mount that does not exist', async () => {
      await failureOf(sample.run({ source: 'host', metric: 'disk', mount: '/no/such/mount' }), 'METRIC_NOT_FOUND');
    });

    describe('from a Prometheus-compatible API', () => {
      let server: http.Server;
      let base: string;
      let lastQuery: URLSearchParams | undefined;
      before(async () => {
        server = http.createServer((req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          lastQuery = url.searchParams;
          const query = url.searchParams.get('query');
          const start = Number(url.searchParams.get('start'));
          const step = parseFloat(url.searchParams.get('step') ?? '15');
          const matrix = (n: number) =>
            Array.from({ length: n }, (_, k) => ({
              metric: { job: `j${k}` },
              values: [0, 1, 2].map((i) => [start + i * step, i === 1 && query === 'with_nan' ? 'NaN' : String(10 + i)]),
            }));
          res.setHeader('content-type', 'application/json');
          if (url.pathname !== '/prom/api/v1/query_range') return res.writeHead(404).end('{}');
          if (query === 'bad(') return res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
          res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: matrix(query === 'two_series' ? 2 : 1) } }));
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`;
      });
      after(() => new Promise<void>((resolve) => server.close(() => resolve())));

      it('reads the last count steps with one query_range call', async () => {
        const result = await sample.run({ source: 'prometheus', url: base, query: 'up', count: 3, interval: '30s' });
        assert.equal(lastQuery?.get('step'), '30s');
        assert.equal(Number(lastQuery?.get('end')) - Number(lastQuery?.get('start')), 60);
        assert.deepEqual(
          result.points.map((p) => p.value),
          [10, 11, 12],
        );
        assert.equal(result.points[1].timestamp - result.points[0].timestamp, 30_000);
        assert.ok(result.source === 'prometheus');
        assert.deepEqual(result.labels, { job: 'j0' });
      });

      it('turns Prometheus NaN into a missing sample', async () => {
        const result = await sample.run({ source: 'prometheus', url: base, query: 'with_nan', count: 3 });
        assert.deepEqual(
          result.points.map((p) => p.value),
          [10, null, 12],
        );
      });

      it('refuses a query returning several series, and a query the server rejects, without retrying', async () => {
        const ambiguous = await failureOf(sample.run({ source: 'prometheus', url: base, query: 'two_series' }), 'PROMETHEUS_AMBIGUOUS');
        assert.match(ambiguous.message, /2 series; aggregate it/);
        const bad = await failureOf(sample.run({ source: 'prometheus', url: base, query: 'bad(' }), 'PROMETHEUS_ERROR');
        assert.equal(bad.nonRetryable, true);
      });
    });
  });
});
