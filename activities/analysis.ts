/**
 * `analysis.*`: what a rollout's analysis step measures and how it judges a canary.
 *
 * - `analysis.measure`: one number from a metric provider — the traffic router's windowed
 *   stats, or a Prometheus-compatible query API — or null when there is no data (no
 *   requests in the window, an empty vector, NaN). A provider that fails is a failure with a
 *   code, never a number: the analysis step counts provider errors apart from failed
 *   measurements (consecutiveErrorLimit), so this action does not retry by itself.
 * - `analysis.judge`: the Kayenta-style baseline-vs-canary judgement (src/analysis/judge.ts),
 *   with every number that led to the verdict, for the history.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { cancellationSignal, timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { checkedUrl, cut, httpFailure } from './http';
import { admin } from './traffic';
import { judge as judgeMetrics, JudgeInputError } from '../src/analysis/judge';
import { Duration } from '../src/dsl/types';
import { httpRequest } from '../src/http/client';

const ROUTER_METRICS = ['requests', 'errors', 'errorRate', 'p50', 'p95', 'p99', 'rps'] as const;
type RouterMetric = (typeof ROUTER_METRICS)[number];

const RouterQuery = Type.Object(
  {
    pool: Type.Optional(Type.String({ minLength: 1, description: 'A pool (give pool or route)' })),
    route: Type.Optional(Type.String({ minLength: 1, description: 'A route (give pool or route)' })),
    metric: Type.Union(
      ROUTER_METRICS.map((m) => Type.Literal(m)),
      { description: 'requests, errors, errorRate (0-1), p50/p95/p99 (ms), rps' },
    ),
    window: Type.Optional(Type.Union([Type.Literal('10s'), Type.Literal('60s')], { description: 'Sliding window (default 10s)' })),
  },
  { additionalProperties: false },
);
type RouterQueryArgs = Static<typeof RouterQuery>;

export interface Measurement {
  /** null: no data (no requests in the window, an empty result, NaN). */
  value: number | null;
  provider: 'router' | 'prometheus';
  query: unknown;
  /** When the value was measured (the sample's time for Prometheus). */
  at: string;
  /** Why the value is null, when the provider said something (e.g. "NaN", "no requests in 10s"). */
  noData?: string;
}

export const measure = defineAction({
  name: 'analysis.measure',
  description:
    'Measures one metric from the traffic router (requests, errors, errorRate, p50/p95/p99, rps of a pool or route) or a Prometheus query; null when there is no data.',
  args: Type.Object(
    {
      provider: Type.Union([Type.Literal('router'), Type.Literal('prometheus')]),
      query: Type.Union([Type.String({ minLength: 1, description: 'PromQL (provider prometheus)' }), RouterQuery]),
      adminUrl: Type.Optional(Type.String({ minLength: 1, description: 'Router admin API (default $GENIE_ROUTER_ADMIN_URL)' })),
      url: Type.Optional(Type.String({ minLength: 1, description: 'Prometheus base URL (default $GENIE_PROMETHEUS_URL)' })),
      timeout: Type.Optional(Duration),
    },
    { additionalProperties: false },
  ),
  // One attempt: the analysis step counts provider errors itself (consecutiveErrorLimit).
  defaults: { timeout: '30s', retry: { maxAttempts: 1 } },
  run: async (a): Promise<Measurement> => {
    if (a.provider === 'router') {
      if (typeof a.query !== 'object')
        throw badQuery(
          'provider router takes query {pool or route, metric, window?}, e.g. {pool: canary, metric: errorRate}; a PromQL string needs provider prometheus',
        );
      return measureRouter(a.query, a);
    }
    if (typeof a.query !== 'string')
      throw badQuery('provider prometheus takes query as a PromQL string, e.g. "sum(rate(http_requests_total{code=~\\"5..\\"}[1m]))"');
    return measurePrometheus(a.query, a);
  },
});

async function measureRouter(query: RouterQueryArgs, a: { adminUrl?: string; timeout?: string }): Promise<Measurement> {
  if ((query.pool === undefined) === (query.route === undefined)) throw badQuery('give exactly one of query.pool or query.route');
  const window = query.window ?? '10s';
  const params = new URLSearchParams({ window });
  if (query.pool !== undefined) params.set('pool', query.pool);
  else params.set('route', query.route!);
  const answer = await admin<{ at: string; pools?: Record<string, RouterStats>; routes?: Record<string, RouterStats> }>(a, 'GET', `/stats?${params}`);
  const stats = query.pool !== undefined ? answer.pools?.[query.pool] : answer.routes?.[query.route!];
  if (!stats)
    throw ApplicationFailure.create({
      type: 'ROUTER_ERROR',
      message: `the router's /stats answer has no ${query.pool !== undefined ? `pool ${query.pool}` : `route ${query.route}`}`,
      nonRetryable: false,
    });
  const value = routerValue(stats, query.metric);
  return {
    value,
    provider: 'router',
    query,
    at: answer.at ?? new Date().toISOString(),
    ...(value === null ? { noData: `no requests in the last ${window}` } : {}),
  };
}

interface RouterStats {
  requests: number;
  errors: number;
  errorRate: number;
  requestsPerSecond: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
}

/** Rates and latencies of zero requests are not 0: they are unknown. Counts are real zeros. */
function routerValue(s: RouterStats, metric: RouterMetric): number | null {
  switch (metric) {
    case 'requests':
      return s.requests;
    case 'errors':
      return s.errors;
    case 'rps':
      return s.requestsPerSecond;
    case 'errorRate':
      return s.requests > 0 ? s.errorRate : null;
    case 'p50':
    case 'p95':
    case 'p99':
      return s.requests > 0 ? s.latencyMs[metric] : null;
  }
}

type PromSample = [number, string];
interface PromAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

async function measurePrometheus(query: string, a: { url?: string; timeout?: string }): Promise<Measurement> {
  const base = a.url ?? process.env.GENIE_PROMETHEUS_URL;
  if (!base) throw ApplicationFailure.nonRetryable('no Prometheus URL: pass url or set GENIE_PROMETHEUS_URL on the worker', 'PROMETHEUS_NOT_CONFIGURED');
  const url = checkedUrl(`${base.replace(/\/+$/, '')}/api/v1/query?${new URLSearchParams({ query })}`);
  const timeoutMs = timeBudgetMs(timeoutArg(a.timeout), 10_000, 1_000);
  const signal = cancellationSignal();
  const response = await withHeartbeat(
    httpRequest({ method: 'GET', url, headers: { accept: 'application/json' }, timeoutMs, signal, maxBodyBytes: 1024 * 1024 }).catch((error: unknown) => {
      throw httpFailure(error, 'GET', url, timeoutMs, signal);
    }),
  );
  const where = `Prometheus ${url.origin}${url.pathname}`;
  let answer: PromAnswer | undefined;
  try {
    answer = JSON.parse(response.body) as PromAnswer;
  } catch {
    answer = undefined;
  }
  if (answer?.status === 'error' || response.status < 200 || response.status >= 300) {
    const message = `${where} answered ${response.status}${answer?.errorType ? ` ${answer.errorType}` : ''}: ${answer?.error ?? cut(response.body, 300).text}`;
    // A bad query (400 bad_data, 422 execution) will not get better by asking again; 5xx might.
    const refused = response.status >= 400 && response.status < 500;
    throw ApplicationFailure.create({
      type: refused ? 'PROMETHEUS_QUERY_ERROR' : 'PROMETHEUS_ERROR',
      message,
      nonRetryable: refused,
      details: [{ status: response.status, errorType: answer?.errorType ?? null, query }],
    });
  }
  if (answer?.status !== 'success' || !answer.data)
    throw ApplicationFailure.create({
      type: 'PROMETHEUS_ERROR',
      message: `${where}: not a Prometheus query API answer: ${cut(response.body, 200).text}`,
      nonRetryable: false,
    });
  const { resultType, result } = answer.data;
  let sample: PromSample | undefined;
  if (resultType === 'scalar') sample = result as PromSample;
  else if (resultType === 'vector') {
    const series = result as Array<{ metric: Record<string, string>; value: PromSample }>;
    if (series.length === 0) return { value: null, provider: 'prometheus', query, at: new Date().toISOString(), noData: 'empty vector' };
    if (series.length > 1) {
      const labels = series
        .slice(0, 3)
        .map((s) => JSON.stringify(s.metric))
        .join(', ');
      throw ApplicationFailure.nonRetryable(
        `the query returned ${series.length} series (${labels}${series.length > 3 ? ', …' : ''}); aggregate it to one, e.g. sum(...) or max(...)`,
        'PROMETHEUS_MULTIPLE_SERIES',
      );
    }
    sample = series[0].value;
  } else {
    throw ApplicationFailure.nonRetryable(
      `the query returned a ${String(resultType)}, not a number; write an instant query whose result is a scalar or one series (a range vector [5m] needs rate(), avg_over_time()...)`,
      'PROMETHEUS_NOT_A_NUMBER',
    );
  }
  if (!Array.isArray(sample) || sample.length !== 2)
    throw ApplicationFailure.create({ type: 'PROMETHEUS_ERROR', message: `${where}: malformed sample ${JSON.stringify(sample)}`, nonRetryable: false });
  const value = Number(sample[1]);
  const at = new Date(Number(sample[0]) * 1000).toISOString();
  // NaN (0/0, e.g. an error rate without requests) and ±Inf carry no measurement.
  return Number.isFinite(value) ? { value, provider: 'prometheus', query, at } : { value: null, provider: 'prometheus', query, at, noData: sample[1] };
}

function badQuery(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'MEASURE_BAD_QUERY');
}

const Sample = Type.Array(Type.Union([Type.Number(), Type.Null()]), { description: 'Measurements; null (no data) values are left out' });

export const judge = defineAction({
  name: 'analysis.judge',
  description:
    'Judges canary against baseline per metric with the Mann-Whitney U test and an effect-size tolerance (Kayenta-style); weighted score → Successful / Inconclusive / Failed, with every number.',
  args: Type.Object(
    {
      metrics: Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            baseline: Sample,
            canary: Sample,
            direction: Type.Optional(
              Type.Union([Type.Literal('increase'), Type.Literal('decrease'), Type.Literal('either')], {
                description: 'Which change is bad (default increase: higher is bad)',
              }),
            ),
            tolerance: Type.Optional(Type.Number({ minimum: 0, description: 'Allowed relative change of the median (default 0.1 = 10%)' })),
            absoluteTolerance: Type.Optional(Type.Number({ minimum: 0, description: 'Allowed absolute change of the median (for baselines near 0)' })),
            critical: Type.Optional(Type.Boolean({ description: 'Failing it fails the judgement' })),
            weight: Type.Optional(Type.Number({ minimum: 0, description: 'Share of the score (default 1)' })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
      confidence: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Of the U test (default 0.98)' })),
      pass: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Score for Successful (default 95)' })),
      marginal: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Score below which it is Failed rather than Inconclusive (default 75)' })),
      minSamples: Type.Optional(Type.Integer({ minimum: 1, description: 'Fewer values on either side is NoData (default 3)' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 1 } },
  run: async (a) => {
    try {
      return judgeMetrics(
        a.metrics.map((m) => ({ ...m, baseline: m.baseline.filter((v): v is number => v !== null), canary: m.canary.filter((v): v is number => v !== null) })),
        { confidence: a.confidence, pass: a.pass, marginal: a.marginal, minSamples: a.minSamples },
      );
    } catch (error) {
      if (error instanceof JudgeInputError) throw ApplicationFailure.nonRetryable(error.message, error.code);
      throw error;
    }
  },
});
