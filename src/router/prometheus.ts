/**
 * The Prometheus text exposition (format 0.0.4) of the router's metrics, for GET /metrics on
 * the admin port. Lifetime counters and a real histogram let Prometheus compute its own rates
 * and quantiles; the router's sliding-window quantiles are exported as gauges too, for
 * dashboards without PromQL.
 */
import { mirrorPools, type CompiledConfig } from './compiled-config';
import { PROMETHEUS_BUCKETS_S, scopeStats, type MetricsRegistry, type ScopeMetrics } from './metrics';
import type { ShadowRingStats } from './shadow-ring';
import { ERROR_KINDS, STATUS_CLASSES } from './sliding-window';

export interface ExpositionInput {
  metrics: MetricsRegistry;
  config: CompiledConfig;
  ring: ShadowRingStats;
  inFlight: number;
  mirrorsInFlight: number;
  nowMs: number;
}

const WINDOWS = [10, 60] as const;

/** Label values escaped as the format requires (backslash, quote, newline). */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function number(x: number): string {
  return Number.isFinite(x) ? String(x) : x > 0 ? '+Inf' : 'NaN';
}

export function renderPrometheus(input: ExpositionInput): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  for (const scope of ['pool', 'route'] as const) {
    const scopes: Map<string, ScopeMetrics> = scope === 'pool' ? input.metrics.pools : input.metrics.routes;
    const prefix = `genie_router_${scope}`;
    const sample = (metric: string, name: string, labels: string, value: number) =>
      out.push(`${prefix}_${metric}{${scope}="${label(name)}"${labels}} ${number(value)}`);

    family(`${prefix}_requests_total`, 'counter', `Requests per ${scope}${scope === 'pool' ? ', mirrored requests included' : ''}.`);
    for (const [name, m] of scopes) sample('requests_total', name, '', m.requestsTotal);

    family(`${prefix}_errors_total`, 'counter', `Failed requests per ${scope} by kind: status5xx, connect, timeout, aborted, upstream.`);
    for (const [name, m] of scopes) ERROR_KINDS.forEach((kind, k) => sample('errors_total', name, `,kind="${kind}"`, m.errorsTotal[k]));

    family(`${prefix}_responses_total`, 'counter', `Responses per ${scope} by status class (none: no response, the connection was reset).`);
    for (const [name, m] of scopes) STATUS_CLASSES.forEach((c, k) => sample('responses_total', name, `,code="${c}"`, m.statusTotal[k]));

    family(`${prefix}_request_duration_seconds`, 'histogram', `Request latency per ${scope}, arrival to last byte.`);
    for (const [name, m] of scopes) {
      let cumulative = 0;
      PROMETHEUS_BUCKETS_S.forEach((le, b) => {
        cumulative += m.latencyBuckets[b];
        sample('request_duration_seconds_bucket', name, `,le="${le}"`, cumulative);
      });
      cumulative += m.latencyBuckets[PROMETHEUS_BUCKETS_S.length];
      sample('request_duration_seconds_bucket', name, ',le="+Inf"', cumulative);
      sample('request_duration_seconds_sum', name, '', Math.round(m.latencySumS * 1e6) / 1e6);
      sample('request_duration_seconds_count', name, '', m.requestsTotal);
    }

    family(`${prefix}_window_latency_seconds`, 'gauge', `Latency quantiles per ${scope} over the last 10 s and 60 s (sliding window).`);
    family(`${prefix}_window_requests`, 'gauge', `Requests per ${scope} in the last 10 s and 60 s.`);
    family(`${prefix}_window_errors`, 'gauge', `Errors per ${scope} in the last 10 s and 60 s.`);
    for (const [name, m] of scopes) {
      for (const w of WINDOWS) {
        const s = scopeStats(m, input.nowMs, { windowSeconds: w });
        for (const [q, v] of [
          ['0.5', s.latencyMs.p50],
          ['0.95', s.latencyMs.p95],
          ['0.99', s.latencyMs.p99],
        ] as const) {
          if (v !== null) sample('window_latency_seconds', name, `,window="${w}s",quantile="${q}"`, v / 1000);
        }
        sample('window_requests', name, `,window="${w}s"`, s.requests);
        sample('window_errors', name, `,window="${w}s"`, s.errors);
      }
    }
  }

  family('genie_router_route_weight_percent', 'gauge', 'Configured share of a route going to a pool.');
  for (const [route, r] of Object.entries(input.config.source.routes)) {
    for (const [pool, w] of Object.entries(r.weights)) out.push(`genie_router_route_weight_percent{route="${label(route)}",pool="${label(pool)}"} ${w}`);
  }
  family('genie_router_mirror_percent', 'gauge', 'Share of a route mirrored to a shadow pool.');
  for (const [route, r] of Object.entries(input.config.source.routes)) {
    if (r.mirror)
      for (const pool of mirrorPools(r.mirror)) out.push(`genie_router_mirror_percent{route="${label(route)}",pool="${label(pool)}"} ${r.mirror.percent}`);
  }
  const mirror = input.metrics.mirror;
  family('genie_router_mirror_requests_total', 'counter', 'Mirrored requests by outcome (sent, completed, failed, dropped_in_flight, skipped_body_too_large).');
  for (const [outcome, value] of [
    ['sent', mirror.sent],
    ['completed', mirror.completed],
    ['failed', mirror.failed],
    ['dropped_in_flight', mirror.droppedInFlight],
    ['skipped_body_too_large', mirror.skippedBodyTooLarge],
  ] as const) {
    out.push(`genie_router_mirror_requests_total{outcome="${outcome}"} ${value}`);
  }
  const gauge = (name: string, help: string, value: number, type = 'gauge') => {
    family(name, type, help);
    out.push(`${name} ${number(value)}`);
  };
  gauge('genie_router_config_version', 'Version of the config in effect.', input.config.version);
  gauge('genie_router_in_flight_requests', 'Requests being proxied now.', input.inFlight);
  gauge('genie_router_mirror_in_flight_requests', 'Mirrored requests outstanding now.', input.mirrorsInFlight);
  gauge('genie_router_unrouted_requests_total', 'Requests no route matched (404).', input.metrics.unrouted, 'counter');
  gauge('genie_router_shadow_pairs_captured_total', 'Shadow pairs captured since start or the last clear.', input.ring.captured, 'counter');
  gauge('genie_router_shadow_pairs_stored', 'Shadow pairs in the ring now.', input.ring.size);
  return out.join('\n') + '\n';
}
