/**
 * `metrics.sample`: a short series of one metric, shaped as `{timestamp, value}` points that
 * `predict.score` and `predict.timeToThreshold` take as they are.
 *
 * - source `host`: this worker's machine, via systeminformation — `cpu` (% busy over each
 *   interval), `memory` (% used, reclaimable cache excluded), `load1`, or `disk` (% used of
 *   `mount`). `count` samples are taken live, `interval` apart; the activity heartbeats
 *   while it waits, so it can be cancelled.
 * - source `prometheus`: a Prometheus-compatible query API (Prometheus, Thanos, Mimir,
 *   VictoriaMetrics), read with one `query_range` call for the last `count` steps of
 *   `interval`, through the shared HTTP client (its circuit breaker included). The query
 *   must return exactly one series: aggregate it (`sum(...)`, `max by () (...)`) otherwise.
 *   Prometheus writes NaN and ±Inf as strings; they arrive as null (a missing sample).
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import * as os from 'node:os';
import * as si from 'systeminformation';
import { defineAction } from './action';
import { cancellationError, cancellationSignal, timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { checkedUrl, httpFailure, stringHeaders } from './http';
import { redact, safeUrl, secretValues } from '../src/secrets/masking';
import { parseDuration } from '../src/dsl/duration';
import { Duration } from '../src/dsl/types';
import { httpRequest } from '../src/http/client';

export const HOST_METRICS = ['cpu', 'memory', 'load1', 'disk'] as const;
export type HostMetric = (typeof HOST_METRICS)[number];
const MAX_COUNT = 11_000; // Prometheus refuses more than 11,000 points per series

const Count = Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COUNT, description: 'Samples to return (default 1 for host, 60 for prometheus)' }));
/** Time between samples (default 1s for host, 15s for prometheus). */
const Interval = Type.Optional(Duration);

/**
 * One object rather than a union of two, so a mistake is reported as the missing or unknown
 * argument it is; `url` and `query` are required when the source is prometheus.
 */
const SampleArgs = Type.Object(
  {
    source: Type.Union([Type.Literal('host'), Type.Literal('prometheus')], { description: "host: this worker's machine; prometheus: a query API" }),
    metric: Type.Optional(
      Type.Union(
        HOST_METRICS.map((m) => Type.Literal(m)),
        { default: 'cpu', description: 'host only' },
      ),
    ),
    mount: Type.Optional(Type.String({ minLength: 1, description: 'host metric disk only (default /)' })),
    url: Type.Optional(Type.String({ minLength: 1, description: 'prometheus only: base URL of the query API, e.g. http://prometheus:9090' })),
    query: Type.Optional(Type.String({ minLength: 1, description: 'prometheus only: PromQL returning one series' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'prometheus only' })),
    count: Count,
    interval: Interval,
    timeout: Type.Optional(Duration),
  },
  {
    additionalProperties: false,
    allOf: [{ if: { properties: { source: { const: 'prometheus' } } }, then: { required: ['url', 'query'] } }],
  },
);

type SampleArgs = Static<typeof SampleArgs>;

export interface MetricPoint {
  timestamp: number;
  value: number | null;
}

export const sample = defineAction({
  name: 'metrics.sample',
  description: 'Samples a metric (the host via systeminformation, or a Prometheus query) into {timestamp, value} points for predict.score.',
  args: SampleArgs,
  defaults: { timeout: '5m', retry: { maxAttempts: 3, initialInterval: '1s' } },
  run: async (args) => {
    if (args.source === 'host') return sampleHost(args);
    if (args.source === 'prometheus') return samplePrometheus(args);
    throw ApplicationFailure.nonRetryable(`source must be host or prometheus, not ${String(args.source)}`, 'BAD_ARGUMENT');
  },
});

function durationArg(name: string, text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  try {
    const ms = parseDuration(text);
    if (ms < 1) throw new Error('must be at least 1ms');
    return ms;
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`${name}: ${(error as Error).message}`, 'BAD_ARGUMENT');
  }
}

async function sampleHost(args: SampleArgs) {
  const foreign = (['url', 'query', 'headers'] as const).filter((k) => args[k] !== undefined);
  if (foreign.length > 0) throw ApplicationFailure.nonRetryable(`${foreign.join(', ')} apply to source prometheus, not host`, 'BAD_ARGUMENT');
  const metric: HostMetric = args.metric ?? 'cpu';
  if (!HOST_METRICS.includes(metric)) throw ApplicationFailure.nonRetryable(`metric must be one of ${HOST_METRICS.join(', ')}`, 'BAD_ARGUMENT');
  const count = args.count ?? 1;
  const intervalMs = durationArg('interval', args.interval, 1000);
  const mount = args.mount ?? '/';
  const signal = cancellationSignal();
  const points: MetricPoint[] = [];
  // CPU load is a rate since the previous reading: one reading opens the first interval.
  if (metric === 'cpu') await si.currentLoad();
  for (let i = 0; i < count; i++) {
    if (metric === 'cpu' || i > 0) await withHeartbeat(pause(intervalMs, signal));
    points.push({ timestamp: Date.now(), value: await readHost(metric, mount) });
  }
  return {
    source: 'host' as const,
    metric,
    ...(metric === 'disk' ? { mount } : {}),
    unit: metric === 'load1' ? 'load' : 'percent',
    host: os.hostname(),
    intervalMs,
    points,
  };
}

async function readHost(metric: HostMetric, mount: string): Promise<number | null> {
  switch (metric) {
    case 'cpu':
      return finiteOrNull((await si.currentLoad()).currentLoad);
    case 'memory': {
      const mem = await si.mem();
      return mem.total > 0 ? finiteOrNull(((mem.total - mem.available) / mem.total) * 100) : null;
    }
    case 'load1':
      return os.loadavg()[0];
    case 'disk': {
      const disk = (await si.fsSize()).filter((d) => d.mount === mount).pop();
      if (!disk) throw ApplicationFailure.nonRetryable(`disk ${mount} is not mounted on ${os.hostname()}`, 'METRIC_NOT_FOUND');
      return finiteOrNull(disk.use ?? (disk.used / disk.size) * 100);
    }
  }
}

async function samplePrometheus(args: SampleArgs) {
  if (!args.url || !args.query) throw ApplicationFailure.nonRetryable('source prometheus needs url and query', 'BAD_ARGUMENT');
  const count = args.count ?? 60;
  const stepMs = durationArg('interval', args.interval, 15_000);
  const base = checkedUrl(args.url);
  const headers = stringHeaders(args.headers);
  const timeoutMs = timeBudgetMs(timeoutArg(args.timeout), 30_000, 1_000);
  // Align to the step so repeated samples line up with Prometheus's own evaluation grid.
  const end = Math.floor(Date.now() / stepMs) * stepMs;
  const start = end - (count - 1) * stepMs;
  const url = new URL(`${base.pathname.replace(/\/$/, '')}/api/v1/query_range`, base);
  url.search = new URLSearchParams({ query: args.query, start: String(start / 1000), end: String(end / 1000), step: `${stepMs / 1000}s` }).toString();
  const signal = cancellationSignal();
  const response = await withHeartbeat(
    httpRequest({ method: 'GET', url, headers: { accept: 'application/json', ...headers }, timeoutMs, signal }).catch((error: unknown) => {
      throw httpFailure(error, 'GET', url, timeoutMs, signal);
    }),
  );
  const body = redact(response.body, secretValues(headers));
  const where = `GET ${safeUrl(url)}`;
  if (response.status !== 200) {
    // 4xx: the query is wrong and stays wrong; 5xx: the server may recover.
    throw ApplicationFailure.create({
      type: 'PROMETHEUS_ERROR',
      message: `${where} answered ${response.status}: ${body.slice(0, 300)}`,
      nonRetryable: response.status >= 400 && response.status < 500 && response.status !== 429,
    });
  }
  const series = matrix(body, where);
  if (series.length > 1) {
    throw ApplicationFailure.nonRetryable(
      `${where}: the query returned ${series.length} series; aggregate it to one, e.g. sum(${args.query})`,
      'PROMETHEUS_AMBIGUOUS',
    );
  }
  const [only] = series;
  const points: MetricPoint[] = (only?.values ?? []).map(([t, v]) => ({ timestamp: Math.round(Number(t) * 1000), value: finiteOrNull(Number(v)) }));
  return { source: 'prometheus' as const, query: args.query, labels: only?.metric ?? {}, intervalMs: stepMs, points };
}

interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

function matrix(body: string, where: string): PromSeries[] {
  let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw ApplicationFailure.nonRetryable(`${where}: the answer is not JSON; is url the Prometheus base URL?`, 'PROMETHEUS_ERROR');
  }
  if (parsed.status !== 'success') throw ApplicationFailure.nonRetryable(`${where}: ${parsed.error ?? 'status is not success'}`, 'PROMETHEUS_ERROR');
  if (parsed.data?.resultType !== 'matrix' || !Array.isArray(parsed.data.result)) {
    throw ApplicationFailure.nonRetryable(`${where}: expected a matrix result, got ${String(parsed.data?.resultType)}`, 'PROMETHEUS_ERROR');
  }
  return parsed.data.result as PromSeries[];
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancellationError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancellationError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
