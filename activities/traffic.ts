/**
 * `traffic.*`: driving the traffic router (src/router/) through its admin API — read the
 * routes, shift weights (returning the previous ones, which a canary records for rollback),
 * mirror traffic to a shadow, read windowed metrics, and collect shadow pairs.
 *
 * Where the router is: GENIE_ROUTER_ADMIN_URL, or `adminUrl` per call. Its bearer token
 * comes only from GENIE_ROUTER_TOKEN on the worker: an argument would be written into
 * workflow history, which outlives any secret.
 *
 * Failures: the router unreachable, slow or answering 5xx is retryable (it may come back);
 * a refused change (400 invalid, 404 no such route or pool, 409 version conflict, 401 wrong
 * token) is not, because asking again cannot change the answer.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { cancellationSignal, timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { checkedUrl, cut, httpFailure } from './http';
import { Duration } from '../src/dsl/types';
import { httpRequest, type HttpMethod } from '../src/http/client';

/** Shadow pairs can be large; history is not a blob store, so a result is capped. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

const Common = {
  adminUrl: Type.Optional(Type.String({ minLength: 1, description: 'Router admin API base URL (default $GENIE_ROUTER_ADMIN_URL)' })),
  timeout: Type.Optional(Duration),
};
const Weights = Type.Record(Type.String({ minLength: 1 }), Type.Number({ minimum: 0, maximum: 100 }), {
  minProperties: 1,
  description: 'pool → percent; they sum to 100',
});
const ExpectVersion = Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse (VERSION_CONFLICT) unless the config is still at this version' }));
const DEFAULTS = { timeout: '30s', retry: { maxAttempts: 5, initialInterval: '500ms', backoff: 2, maxInterval: '5s' } };

const args = <P extends Record<string, TSchema>>(properties: P) => Type.Object({ ...properties, ...Common }, { additionalProperties: false });
const segment = (name: string) => encodeURIComponent(name);

export const get = defineAction({
  name: 'traffic.get',
  description: "Reads the router's config version and one route (weights, mirror, stickiness) or the whole config.",
  args: args({ route: Type.Optional(Type.String({ minLength: 1 })) }),
  defaults: DEFAULTS,
  run: async (a) =>
    a.route === undefined
      ? admin<{ version: number; config: unknown }>(a, 'GET', '/config')
      : admin<Record<string, unknown>>(a, 'GET', `/routes/${segment(a.route)}`),
});

export const setWeights = defineAction({
  name: 'traffic.setWeights',
  description: "Sets a route's split across pools atomically; returns the previous and new weights and config versions.",
  args: args({ route: Type.String({ minLength: 1 }), weights: Weights, expectVersion: ExpectVersion }),
  defaults: DEFAULTS,
  run: async (a) => {
    const r = await admin<{
      route: string;
      version: number;
      previousVersion: number;
      previous: { weights: Record<string, number> };
      weights: Record<string, number>;
    }>(a, 'PUT', `/routes/${segment(a.route)}/weights`, { weights: a.weights, ...(a.expectVersion !== undefined ? { expectVersion: a.expectVersion } : {}) });
    return { route: r.route, weights: r.weights, previousWeights: r.previous.weights, version: r.version, previousVersion: r.previousVersion };
  },
});

export const mirror = defineAction({
  name: 'traffic.mirror',
  description: "Mirrors a percentage of a route's requests to a shadow pool (fire and forget; 0 stops); returns the previous and new mirror.",
  args: args({
    route: Type.String({ minLength: 1 }),
    pool: Type.String({ minLength: 1 }),
    extraPools: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: 7,
        description: 'More shadow pools sent the same requests, e.g. a second primary for noise cancellation (shadow-test runbook)',
      }),
    ),
    percent: Type.Number({ minimum: 0, maximum: 100 }),
    mutating: Type.Optional(Type.Boolean({ description: 'Also mirror POST/PUT/PATCH/DELETE (default false)' })),
    expectVersion: ExpectVersion,
  }),
  defaults: DEFAULTS,
  run: async (a) => {
    // The router sends a request's mirrors in list order, then the primary: `pool` goes last, nearest the primary in
    // time, so a timing-dependent field (a timestamp) differs no more often for it than for a second primary.
    const pools = a.extraPools && a.extraPools.length > 0 ? { pools: [...a.extraPools.filter((p) => p !== a.pool), a.pool] } : { pool: a.pool };
    const body = {
      ...pools,
      percent: a.percent,
      ...(a.mutating !== undefined ? { mutating: a.mutating } : {}),
      ...(a.expectVersion !== undefined ? { expectVersion: a.expectVersion } : {}),
    };
    const r = await admin<{ route: string; version: number; previousVersion: number; previous: { mirror: unknown }; mirror: unknown }>(
      a,
      'PUT',
      `/routes/${segment(a.route)}/mirror`,
      body,
    );
    return { route: r.route, mirror: r.mirror, previousMirror: r.previous.mirror, version: r.version, previousVersion: r.previousVersion };
  },
});

export const metrics = defineAction({
  name: 'traffic.metrics',
  description: 'Requests, errors, error rate and p50/p95/p99 latency per pool and route over the last 10 s or 60 s.',
  args: args({
    pool: Type.Optional(Type.String({ minLength: 1 })),
    route: Type.Optional(Type.String({ minLength: 1 })),
    window: Type.Optional(Type.Union([Type.Literal('10s'), Type.Literal('60s')], { default: '10s' })),
    buckets: Type.Optional(Type.Boolean({ description: 'Include the latency histogram as [ms, count] buckets (for rank statistics)' })),
    series: Type.Optional(Type.Boolean({ description: 'Include per-second requests, errors and mean latency' })),
  }),
  defaults: DEFAULTS,
  run: async (a) => {
    const query = new URLSearchParams({ window: a.window ?? '10s' });
    if (a.pool !== undefined) query.set('pool', a.pool);
    if (a.route !== undefined) query.set('route', a.route);
    if (a.buckets) query.set('buckets', 'true');
    if (a.series) query.set('series', 'true');
    const r = await admin<{ pools?: Record<string, unknown>; routes?: Record<string, unknown> } & Record<string, unknown>>(a, 'GET', `/stats?${query}`);
    // Asking for exactly one scope: its numbers also as `stats`, for short expressions ($steps.m.output.stats.errorRate).
    const only =
      a.pool !== undefined && a.route === undefined ? r.pools?.[a.pool] : a.route !== undefined && a.pool === undefined ? r.routes?.[a.route] : undefined;
    return only === undefined ? r : { ...r, stats: only };
  },
});

export const shadowPairs = defineAction({
  name: 'traffic.shadowPairs',
  description:
    'Reads the shadow pairs the router captured (request, primary and shadow responses, both latencies), oldest first; clear empties the ring in the same step.',
  args: args({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'The newest N pairs (default 50)' })),
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'Only pairs with a larger seq (read incrementally)' })),
    clear: Type.Optional(Type.Boolean({ description: 'Empty the ring after reading (atomically)' })),
  }),
  defaults: { ...DEFAULTS, retry: { ...DEFAULTS.retry, maxAttempts: 3 } },
  run: async (a) => {
    const query = new URLSearchParams({ limit: String(a.limit ?? 50) });
    if (a.since !== undefined) query.set('since', String(a.since));
    if (a.clear) query.set('clear', 'true');
    return admin<{ pairs: unknown[]; stats: Record<string, unknown>; cleared: boolean }>(a, 'GET', `/shadow/pairs?${query}`);
  },
});

/** Router answers a retry cannot change. */
const REFUSALS: Record<number, string> = {
  400: 'ROUTER_REFUSED',
  401: 'ROUTER_UNAUTHORIZED',
  404: 'ROUTER_NOT_FOUND',
  405: 'ROUTER_REFUSED',
  409: 'VERSION_CONFLICT',
  413: 'ROUTER_REFUSED',
};

/** One admin API call with the worker's token; the JSON answer, or an ApplicationFailure that says what to do. */
export async function admin<T>(a: { adminUrl?: string; timeout?: string }, method: HttpMethod, path: string, body?: unknown): Promise<T> {
  const base = a.adminUrl ?? process.env.GENIE_ROUTER_ADMIN_URL;
  if (!base) throw ApplicationFailure.nonRetryable('no router admin URL: set GENIE_ROUTER_ADMIN_URL on the worker or pass adminUrl', 'ROUTER_NOT_CONFIGURED');
  const token = process.env.GENIE_ROUTER_TOKEN;
  if (!token) throw ApplicationFailure.nonRetryable('GENIE_ROUTER_TOKEN is not set on the worker: the router admin API needs it', 'ROUTER_NOT_CONFIGURED');
  const url = checkedUrl(base.replace(/\/+$/, '') + path);
  const timeoutMs = timeBudgetMs(timeoutArg(a.timeout), 10_000, 1_000);
  const signal = cancellationSignal();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await withHeartbeat(
    httpRequest({
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs,
      signal,
      maxBodyBytes: MAX_RESPONSE_BYTES,
    }).catch((error: unknown) => {
      throw httpFailure(error, method, url, timeoutMs, signal);
    }),
  );
  const where = `router ${method} ${url.pathname}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    parsed = undefined;
  }
  if (response.status >= 200 && response.status < 300) {
    if (response.truncated)
      throw ApplicationFailure.nonRetryable(
        `${where}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes; ask for fewer (limit)`,
        'ROUTER_ANSWER_TOO_LARGE',
      );
    if (parsed === undefined) throw ApplicationFailure.retryable(`${where}: the answer is not JSON: ${cut(response.body, 200).text}`, 'ROUTER_ERROR');
    return parsed as T;
  }
  const error = ((parsed as { error?: Record<string, unknown> } | undefined)?.error ?? {}) as Record<string, unknown>;
  const message = `${where} answered ${response.status}: ${typeof error.message === 'string' ? error.message : cut(response.body, 500).text}`;
  const type = REFUSALS[response.status];
  if (type) throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [{ status: response.status, ...error }] });
  throw ApplicationFailure.create({ type: 'ROUTER_ERROR', message, nonRetryable: false, details: [{ status: response.status, ...error }] });
}
