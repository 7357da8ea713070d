/**
 * The admin API (its own port; every endpoint but /health needs `Authorization: Bearer
 * $GENIE_ROUTER_TOKEN`):
 *
 *   GET    /health                      liveness; 503 while draining (no token needed)
 *   GET    /config                      {version, config}; ETag "<version>"
 *   PUT    /config                      replace (YAML or JSON body); If-Match or ?expectVersion for compare-and-set
 *   GET    /routes[/<route>]            routes with weights, mirror, stickiness
 *   PUT    /routes/<route>/weights      {weights: {pool: percent}, expectVersion?, shutdownSessions?} → previous and new weights;
 *                                        shutdownSessions: true ends the route's requests still in flight to pools now at 0 (503)
 *   PUT    /routes/<route>/mirror       {pool, percent, mutating?, expectVersion?}; DELETE removes it
 *   PUT    /pools/<pool>/faults         {delay?, delayPercent?, abortPercent?, errorPercent?, errorStatus?, expectVersion?}; DELETE clears
 *   GET    /stats?window=10s|60s[&pool=][&route=][&buckets=true][&series=true]   metrics as JSON
 *   GET    /metrics                     Prometheus text format
 *   GET    /shadow/pairs?limit=&since=&clear=true   shadow pairs, oldest first; DELETE clears
 *
 * A refused change (400 invalid, 404 unknown name, 409 version conflict) changes nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerToken } from './admin-auth';
import { expectedVersion, flag, positiveInt, readJsonObject, readText, sendError, sendJson } from './admin-http';
import type { CompiledConfig } from './compiled-config';
import type { FaultsConfig, MirrorConfig, RouteConfig } from './config-schema';
import type { ConfigChange, ConfigStore } from './config-store';
import { MAX_CONFIG_BYTES, parseRouterConfig } from './config-validate';
import { BadRequestError, NotFoundError, RouterError } from './errors';
import { scopeStats, type MetricsRegistry, type ScopeMetrics, type ScopeStats } from './metrics';
import type { Mirror } from './mirror';
import { renderPrometheus } from './prometheus';
import type { RequestProxy } from './proxy';
import type { ShadowRing } from './shadow-ring';

export interface AdminDeps {
  store: ConfigStore;
  metrics: MetricsRegistry;
  ring: ShadowRing;
  proxy: RequestProxy;
  mirror: Mirror;
  token: BearerToken;
  startedAt: number;
}

const BODY_LIMIT = 64 * 1024;

export function createAdminHandler(deps: AdminDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof RouterError) sendError(res, error);
      else sendJson(res, 500, { error: { code: 'INTERNAL', message: (error as Error)?.message ?? String(error) } });
    });
  };
}

async function handle(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin');
  const segments = pathSegments(url.pathname);
  const method = req.method ?? 'GET';
  const query = url.searchParams;

  if (segments.length === 1 && segments[0] === 'health') {
    const draining = deps.proxy.draining;
    return sendJson(res, draining ? 503 : 200, {
      status: draining ? 'draining' : 'ok',
      configVersion: deps.store.version,
      inFlight: deps.proxy.inFlight,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    });
  }
  if (!deps.token.matches(req.headers.authorization)) {
    req.resume();
    return sendJson(
      res,
      401,
      { error: { code: 'UNAUTHORIZED', message: 'send Authorization: Bearer <GENIE_ROUTER_TOKEN>' } },
      { 'www-authenticate': 'Bearer realm="genie-router"' },
    );
  }

  const [first, name, sub] = segments;
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw new RouterError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}; use ${methods.join(' or ')}`, 405);
  };

  if (first === 'config' && segments.length === 1) {
    allow('GET', 'PUT');
    if (method === 'GET') return sendConfig(res, deps.store.current);
    const text = await readText(req, MAX_CONFIG_BYTES + 1);
    const version = expectedVersion(req, query);
    const change = deps.store.replace(parseRouterConfig(text), version);
    return sendJson(
      res,
      200,
      { version: change.current.version, previousVersion: change.previous.version, config: change.current.source },
      { etag: `"${change.current.version}"` },
    );
  }

  if (first === 'routes' && segments.length <= 2) {
    allow('GET');
    const current = deps.store.current;
    if (name === undefined) return sendJson(res, 200, { version: current.version, routes: current.source.routes });
    return sendJson(res, 200, { version: current.version, route: name, ...routeOf(current, name) });
  }

  if (first === 'routes' && segments.length === 3 && sub === 'weights') {
    allow('PUT');
    const body = await readJsonObject(req, BODY_LIMIT);
    const weights = body.weights;
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights))
      throw new BadRequestError('the body must be {"weights": {"<pool>": <percent>, ...}}');
    const shutdownSessions = body.shutdownSessions ?? false;
    if (typeof shutdownSessions !== 'boolean') throw new BadRequestError('shutdownSessions must be true or false');
    const change = deps.store.edit(expectedVersion(req, query, body), (draft) => {
      routeIn(draft.routes, name).weights = weights as Record<string, number>;
    });
    // After the change: no new request reaches a pool at 0, and the ones already there end now.
    const answer = changed(change, name, (c) => ({ weights: routeOf(c, name).weights }));
    if (shutdownSessions) {
      const atZero = Object.entries(routeOf(change.current, name).weights)
        .filter(([, weight]) => weight === 0)
        .map(([pool]) => pool);
      answer.sessionsShutDown = deps.proxy.shutDownSessions(name!, new Set(atZero));
    }
    return sendJson(res, 200, answer);
  }

  if (first === 'routes' && segments.length === 3 && sub === 'mirror') {
    allow('PUT', 'DELETE');
    const body = method === 'PUT' ? await readJsonObject(req, BODY_LIMIT) : {};
    const change = deps.store.edit(expectedVersion(req, query, body), (draft) => {
      const route = routeIn(draft.routes, name);
      if (method === 'DELETE') delete route.mirror;
      else {
        const { expectVersion: _ignored, ...mirror } = body;
        route.mirror = mirror as unknown as MirrorConfig;
      }
    });
    return sendJson(
      res,
      200,
      changed(change, name, (c) => ({ mirror: routeOf(c, name).mirror ?? null })),
    );
  }

  if (first === 'pools' && segments.length === 3 && sub === 'faults') {
    allow('PUT', 'DELETE');
    const body = method === 'PUT' ? await readJsonObject(req, BODY_LIMIT) : {};
    const change = deps.store.edit(expectedVersion(req, query, body), (draft) => {
      const pool = draft.pools[name];
      if (!pool || !Object.hasOwn(draft.pools, name)) throw new NotFoundError(`no pool named '${name}'`);
      if (method === 'DELETE') delete pool.faults;
      else {
        const { expectVersion: _ignored, ...faults } = body;
        pool.faults = faults as FaultsConfig;
      }
    });
    return sendJson(res, 200, {
      pool: name,
      version: change.current.version,
      previousVersion: change.previous.version,
      previous: { faults: change.previous.source.pools[name]?.faults ?? null },
      faults: change.current.source.pools[name].faults ?? null,
    });
  }

  if (first === 'stats' && segments.length === 1) {
    allow('GET');
    return sendJson(res, 200, stats(deps, query));
  }

  if (first === 'metrics' && segments.length === 1) {
    allow('GET');
    const text = renderPrometheus({
      metrics: deps.metrics,
      config: deps.store.current,
      ring: deps.ring.stats(),
      inFlight: deps.proxy.inFlight,
      mirrorsInFlight: deps.mirror.inFlight,
      nowMs: Date.now(),
    });
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(text);
  }

  if (first === 'shadow' && name === 'pairs' && segments.length === 2) {
    allow('GET', 'DELETE');
    if (method === 'DELETE') {
      const cleared = deps.ring.stats().size;
      deps.ring.clear();
      return sendJson(res, 200, { cleared });
    }
    const pairs = deps.ring.list({ limit: positiveInt(query, 'limit'), since: positiveInt(query, 'since') });
    const ringStats = deps.ring.stats();
    // Read and clear in one step, so no pair captured in between is lost.
    if (flag(query, 'clear')) deps.ring.clear();
    return sendJson(res, 200, { pairs, stats: ringStats, cleared: flag(query, 'clear') });
  }

  throw new NotFoundError(`no admin endpoint ${method} ${url.pathname}`);
}

function pathSegments(pathname: string): string[] {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new BadRequestError(`malformed path ${pathname}`);
  }
}

function sendConfig(res: ServerResponse, current: CompiledConfig): void {
  sendJson(res, 200, { version: current.version, config: current.source }, { etag: `"${current.version}"` });
}

function routeIn(routes: Record<string, RouteConfig>, name: string | undefined): RouteConfig {
  if (name === undefined || !Object.hasOwn(routes, name)) throw new NotFoundError(`no route named '${name}'`);
  return routes[name];
}

function routeOf(config: CompiledConfig, name: string | undefined): RouteConfig {
  return routeIn(config.source.routes as Record<string, RouteConfig>, name);
}

function changed(change: ConfigChange, route: string | undefined, view: (c: CompiledConfig) => Record<string, unknown>): Record<string, unknown> {
  return { route, version: change.current.version, previousVersion: change.previous.version, previous: view(change.previous), ...view(change.current) };
}

function windowSeconds(text: string | null): number {
  if (text === null) return 10;
  const m = /^(\d+)(s|m)$/.exec(text);
  const seconds = m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : NaN;
  if (!(seconds >= 1 && seconds <= 60)) throw new BadRequestError(`window must be between 1s and 60s (e.g. 10s or 60s), not ${JSON.stringify(text)}`);
  return seconds;
}

function stats(deps: AdminDeps, query: URLSearchParams): Record<string, unknown> {
  const seconds = windowSeconds(query.get('window'));
  const options = { windowSeconds: seconds, buckets: flag(query, 'buckets'), series: flag(query, 'series') };
  const now = Date.now();
  const pool = query.get('pool');
  const route = query.get('route');
  const config = deps.store.current;
  const pick = (kind: 'pool' | 'route', wanted: string | null, all: Map<string, ScopeMetrics>, configured: object): Record<string, ScopeStats> | undefined => {
    if (wanted === null) return pool !== null || route !== null ? undefined : Object.fromEntries([...all].map(([n, m]) => [n, scopeStats(m, now, options)]));
    if (!Object.hasOwn(configured, wanted)) throw new NotFoundError(`no ${kind} named '${wanted}'`);
    return { [wanted]: scopeStats(kind === 'pool' ? deps.metrics.pool(wanted) : deps.metrics.route(wanted), now, options) };
  };
  const pools = pick('pool', pool, deps.metrics.pools, config.source.pools);
  const routes = pick('route', route, deps.metrics.routes, config.source.routes);
  return {
    window: `${seconds}s`,
    windowSeconds: seconds,
    at: new Date(now).toISOString(),
    configVersion: config.version,
    ...(pools ? { pools } : {}),
    ...(routes ? { routes } : {}),
    mirror: { ...deps.metrics.mirror, inFlight: deps.mirror.inFlight },
    unrouted: deps.metrics.unrouted,
    inFlight: deps.proxy.inFlight,
  };
}
