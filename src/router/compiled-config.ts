/**
 * A checked config turned into what the request path reads: routes sorted by specificity,
 * weights as cumulative tables, durations in milliseconds, one dispatcher per origin.
 * A compiled config is never modified; a change compiles a new one and swaps the reference
 * (src/router/config-store.ts), so a request sees one version from start to finish.
 */
import type { Pool } from 'undici';
import { parseDuration } from '../dsl/duration';
import { DEFAULTS, type FaultsConfig, type MirrorConfig, type RouterConfig } from './config-schema';
import { normalizedPrefix } from './config-validate';
import type { MetricsRegistry, ScopeMetrics } from './metrics';
import { hashString, type HashCandidate } from './sticky-hash';
import { UpstreamRegistry } from './upstreams';

export interface CompiledFaults {
  delayMs: number;
  delayPercent: number;
  abortPercent: number;
  errorPercent: number;
  errorStatus: number;
}

export interface CompiledPool {
  name: string;
  dispatchers: Pool[];
  /** Round-robin cursor over dispatchers. */
  next: number;
  faults: CompiledFaults | undefined;
  metrics: ScopeMetrics;
}

export interface CompiledMirror {
  /** Each gets every mirrored request (one draw per request, so their pairs line up). */
  pools: CompiledPool[];
  percent: number;
  mutating: boolean;
}

export interface CompiledRoute {
  name: string;
  /** Lower-case host to match exactly, or undefined for any host. */
  host: string | undefined;
  /** For `*.example.com`: `.example.com`. */
  hostSuffix: string | undefined;
  /** '/' or a prefix without trailing slash, matched by whole segments. */
  prefix: string;
  pools: CompiledPool[];
  /** Cumulative percents, parallel to pools: pick the first whose bound exceeds a draw in [0, 100). */
  cumulative: number[];
  candidates: HashCandidate[];
  sticky: { header?: string; cookie?: string } | undefined;
  timeoutMs: number;
  mirror: CompiledMirror | undefined;
  metrics: ScopeMetrics;
}

export interface ShadowSettings {
  capacity: number;
  excerptBytes: number;
  maxBodyBytes: number;
  maxInFlight: number;
}

export interface CompiledConfig {
  version: number;
  /** The config as given (frozen): what GET /config answers and edits start from. */
  source: Readonly<RouterConfig>;
  routes: CompiledRoute[];
  pools: Map<string, CompiledPool>;
  shadow: ShadowSettings;
  /** Keys of every upstream dispatcher this version uses. */
  upstreamKeys: Set<string>;
}

export function compileConfig(config: RouterConfig, version: number, upstreams: UpstreamRegistry, metrics: MetricsRegistry): CompiledConfig {
  const connectTimeoutMs = config.defaults?.connectTimeout ? parseDuration(config.defaults.connectTimeout) : DEFAULTS.connectTimeoutMs;
  const defaultTimeoutMs = config.defaults?.timeout ? parseDuration(config.defaults.timeout) : DEFAULTS.timeoutMs;
  const upstreamKeys = new Set<string>();
  const pools = new Map<string, CompiledPool>();
  for (const [name, pool] of Object.entries(config.pools)) {
    const options = { connections: pool.connections ?? DEFAULTS.connections, connectTimeoutMs };
    const dispatchers = pool.origins.map((origin) => {
      upstreamKeys.add(UpstreamRegistry.key(origin, options));
      return upstreams.acquire(origin, options);
    });
    pools.set(name, { name, dispatchers, next: 0, faults: compileFaults(pool.faults), metrics: metrics.pool(name) });
  }

  const routes: CompiledRoute[] = Object.entries(config.routes).map(([name, route]) => {
    const entries = Object.entries(route.weights).filter(([, w]) => w > 0);
    const routePools = entries.map(([pool]) => pools.get(pool)!);
    let sum = 0;
    const cumulative = entries.map(([, w]) => (sum += w));
    // Guard against 99.9999999 from float addition: the last bound covers every draw.
    if (cumulative.length > 0) cumulative[cumulative.length - 1] = Infinity;
    const host = route.match?.host?.toLowerCase();
    return {
      name,
      host: host && !host.startsWith('*.') ? host : undefined,
      hostSuffix: host?.startsWith('*.') ? host.slice(1) : undefined,
      prefix: normalizedPrefix(route.match?.pathPrefix),
      pools: routePools,
      cumulative,
      candidates: entries.map(([pool, weight]) => ({ nameHash: hashString(pool), weight })),
      sticky: route.sticky ? { header: route.sticky.header?.toLowerCase(), cookie: route.sticky.cookie } : undefined,
      timeoutMs: route.timeout ? parseDuration(route.timeout) : defaultTimeoutMs,
      mirror:
        route.mirror && route.mirror.percent > 0
          ? { pools: mirrorPools(route.mirror).map((p) => pools.get(p)!), percent: route.mirror.percent, mutating: route.mirror.mutating ?? false }
          : undefined,
      metrics: metrics.route(name),
    };
  });
  routes.sort(bySpecificity);
  metrics.retain(pools.keys(), Object.keys(config.routes));

  const s = config.shadow ?? {};
  return {
    version,
    source: deepFreeze(structuredClone(config)),
    routes,
    pools,
    shadow: {
      capacity: s.capacity ?? DEFAULTS.shadowCapacity,
      excerptBytes: s.excerptBytes ?? DEFAULTS.excerptBytes,
      maxBodyBytes: s.maxBodyBytes ?? DEFAULTS.maxMirrorBodyBytes,
      maxInFlight: s.maxInFlight ?? DEFAULTS.maxMirrorsInFlight,
    },
    upstreamKeys,
  };
}

/** A mirror's shadow pools, whichever way it names them. */
export function mirrorPools(mirror: MirrorConfig): string[] {
  return mirror.pools ?? (mirror.pool !== undefined ? [mirror.pool] : []);
}

function compileFaults(f: FaultsConfig | undefined): CompiledFaults | undefined {
  if (!f) return undefined;
  const delayMs = f.delay ? parseDuration(f.delay) : 0;
  const compiled = {
    delayMs,
    delayPercent: delayMs > 0 ? (f.delayPercent ?? 100) : 0,
    abortPercent: f.abortPercent ?? 0,
    errorPercent: f.errorPercent ?? 0,
    errorStatus: f.errorStatus ?? DEFAULTS.errorStatus,
  };
  return compiled.delayPercent > 0 || compiled.abortPercent > 0 || compiled.errorPercent > 0 ? compiled : undefined;
}

/** Exact host, then wildcard host, then any host; within each, the longer prefix first. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const rank = (r: CompiledRoute) => (r.host ? 0 : r.hostSuffix ? 1 : 2);
  return (
    rank(a) - rank(b) || (rank(a) === 1 ? b.hostSuffix!.length - a.hostSuffix!.length : 0) || b.prefix.length - a.prefix.length || (a.name < b.name ? -1 : 1)
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
