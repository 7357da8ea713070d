/**
 * Per-pool and per-route traffic metrics: lifetime counters (for Prometheus, which computes
 * its own rates) and a sliding window (for the JSON the admin API and the canary analysis
 * read: requests, errors, p50/p95/p99 over the last 10 s or 60 s).
 *
 * Route metrics count what clients saw. Pool metrics count what each pool served, mirrored
 * requests included, so a shadow pool's errors and latency are measured like any other's.
 */
import { round3 } from './histogram';
import { ERROR_INDEX, ERROR_KINDS, NO_ERROR, STATUS_CLASSES, SlidingWindow, statusClassIndex, type ErrorKind } from './sliding-window';

/** Upper bounds (seconds) of the Prometheus latency histogram buckets. */
export const PROMETHEUS_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const BUCKET_BOUNDS_US = PROMETHEUS_BUCKETS_S.map((s) => s * 1_000_000);

export class ScopeMetrics {
  readonly window = new SlidingWindow();
  requestsTotal = 0;
  readonly errorsTotal = new Float64Array(ERROR_KINDS.length);
  readonly statusTotal = new Float64Array(STATUS_CLASSES.length);
  /** Non-cumulative counts per bucket; the last one is +Inf. Made cumulative when exported. */
  readonly latencyBuckets = new Float64Array(PROMETHEUS_BUCKETS_S.length + 1);
  latencySumS = 0;

  /** One finished request: `status` 0 when none was sent, `errorIndex` from ERROR_INDEX or NO_ERROR. */
  record(nowMs: number, latencyUs: number, status: number, errorIndex: number): void {
    this.window.record(Math.floor(nowMs / 1000), latencyUs, status, errorIndex);
    this.requestsTotal++;
    if (errorIndex >= 0) this.errorsTotal[errorIndex]++;
    this.statusTotal[statusClassIndex(status)]++;
    let b = 0;
    while (b < BUCKET_BOUNDS_US.length && latencyUs > BUCKET_BOUNDS_US[b]) b++;
    this.latencyBuckets[b]++;
    this.latencySumS += latencyUs / 1_000_000;
  }
}

/** The error kind of a finished exchange, or NO_ERROR. */
export function errorIndexFor(status: number, failure: ErrorKind | undefined): number {
  if (failure) return ERROR_INDEX[failure];
  return status >= 500 ? ERROR_INDEX.status5xx : NO_ERROR;
}

export interface ScopeStats {
  requests: number;
  errors: number;
  errorRate: number;
  requestsPerSecond: number;
  errorsByKind: Record<ErrorKind, number>;
  statusClasses: Record<string, number>;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; mean: number | null; max: number | null };
  /** With ?buckets=true: [latency ms, count] of every non-empty histogram bucket. */
  latencyBucketsMs?: Array<[number, number]>;
  /** With ?series=true: per-second requests, errors, mean latency. */
  series?: Array<{ second: number; requests: number; errors: number; meanMs: number }>;
}

export interface StatsOptions {
  windowSeconds: number;
  buckets?: boolean;
  series?: boolean;
}

export function scopeStats(metrics: ScopeMetrics, nowMs: number, options: StatsOptions): ScopeStats {
  const w = metrics.window.snapshot(Math.floor(nowMs / 1000), options.windowSeconds);
  const h = w.histogram;
  const ms = (us: number) => (Number.isFinite(us) ? round3(us / 1000) : null);
  return {
    requests: w.requests,
    errors: w.errors,
    errorRate: w.requests > 0 ? round6(w.errors / w.requests) : 0,
    requestsPerSecond: round3(w.requests / w.seconds),
    errorsByKind: w.errorsByKind,
    statusClasses: w.statusClasses,
    latencyMs: {
      p50: ms(h.quantileUs(0.5)),
      p95: ms(h.quantileUs(0.95)),
      p99: ms(h.quantileUs(0.99)),
      mean: h.count > 0 ? ms(h.sumUs / h.count) : null,
      max: h.count > 0 ? ms(h.maxUs) : null,
    },
    ...(options.buckets ? { latencyBucketsMs: h.bucketsMs() } : {}),
    ...(options.series ? { series: w.series } : {}),
  };
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Counters of the mirror itself: what was sent, and what was not and why. */
export interface MirrorCounters {
  sent: number;
  completed: number;
  failed: number;
  /** Not sent: maxInFlight mirrors were already outstanding. */
  droppedInFlight: number;
  /** Not sent: the request body was larger than shadow.maxBodyBytes. */
  skippedBodyTooLarge: number;
}

/** Every scope's metrics, kept across config versions, dropped when a name leaves the config. */
export class MetricsRegistry {
  readonly pools = new Map<string, ScopeMetrics>();
  readonly routes = new Map<string, ScopeMetrics>();
  readonly mirror: MirrorCounters = { sent: 0, completed: 0, failed: 0, droppedInFlight: 0, skippedBodyTooLarge: 0 };
  /** Requests no route matched (answered 404). */
  unrouted = 0;

  pool(name: string): ScopeMetrics {
    let m = this.pools.get(name);
    if (!m) this.pools.set(name, (m = new ScopeMetrics()));
    return m;
  }

  route(name: string): ScopeMetrics {
    let m = this.routes.get(name);
    if (!m) this.routes.set(name, (m = new ScopeMetrics()));
    return m;
  }

  /** Forget scopes that are no longer configured. */
  retain(pools: Iterable<string>, routes: Iterable<string>): void {
    const keepPools = new Set(pools);
    const keepRoutes = new Set(routes);
    for (const name of [...this.pools.keys()]) if (!keepPools.has(name)) this.pools.delete(name);
    for (const name of [...this.routes.keys()]) if (!keepRoutes.has(name)) this.routes.delete(name);
  }
}
