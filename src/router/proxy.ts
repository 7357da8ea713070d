/**
 * The request path: read the config version once, pick a route and a pool, decide on
 * mirroring and faults, then hand the request to an exchange (src/router/exchange.ts).
 * Counts requests in flight, so a graceful shutdown knows when the last one has finished.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CompiledConfig, CompiledPool, CompiledRoute } from './compiled-config';
import type { ConfigStore } from './config-store';
import { PrimaryExchange, type ExchangeOwner } from './exchange';
import { decideFault } from './faults';
import { upstreamRequestHeaders } from './headers';
import type { MetricsRegistry } from './metrics';
import type { Mirror } from './mirror';
import type { PendingPair } from './shadow-pair';
import { bufferBody, streamedBody } from './request-body';
import { normalizeHost, originFormPath, pickPool, selectRoute, stickyKeyOf } from './route-selection';
import { ensureTracing } from '../telemetry';
import { activeTracing } from '../telemetry/state';

export class RequestProxy implements ExchangeOwner {
  inFlight = 0;
  draining = false;
  private idleWaiters: Array<() => void> = [];
  /** Requests forwarded and not yet finished, so shutDownSessions can find them. */
  private readonly live = new Set<PrimaryExchange>();

  constructor(
    private readonly store: ConfigStore,
    private readonly metrics: MetricsRegistry,
    private readonly mirror: Mirror,
  ) {
    // Tracing (GENIE_TRACE, OTEL_EXPORTER_OTLP_ENDPOINT) starts with the router, or is already on in this process.
    ensureTracing('genie-router');
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    this.inFlight++;
    const config = this.store.current;
    const upstream = upstreamRequestHeaders(req.rawHeaders, req.socket.remoteAddress);
    // Tracing on: a span per request, continuing the caller's trace, and the upstream's traceparent rewritten.
    const span = activeTracing()?.traceProxy(req, res, upstream.list);
    const path = originFormPath(req.url ?? '/');
    if (path === undefined) return this.answer(res, 400, 'BAD_REQUEST_TARGET', `cannot proxy the request target ${String(req.url).slice(0, 100)}`);
    const route = selectRoute(config.routes, normalizeHost(upstream.host), path);
    if (!route) return this.unrouted(res, upstream.host, path);
    const pool = pickPool(route, route.sticky ? stickyKeyOf(route.sticky, req.rawHeaders) : undefined)!;
    span?.routed(route.name, pool.name);
    const method = req.method as Dispatcher.HttpMethod;

    if (!this.mirror.wanted(route, method)) {
      const exchange = this.exchange(res, route, pool, started, undefined);
      return this.dispatch(exchange, method, path, upstream.list, upstream.hasBody ? streamedBody(req) : null);
    }
    if (!upstream.hasBody) {
      const pair = this.mirror.send(config, route, { method, path, headers: upstream.list, body: null });
      return this.dispatch(this.exchange(res, route, pool, started, pair), method, path, upstream.list, null);
    }
    if (upstream.contentLength > config.shadow.maxBodyBytes) {
      this.mirror.noteBodyTooLarge();
      return this.dispatch(this.exchange(res, route, pool, started, undefined), method, path, upstream.list, streamedBody(req));
    }
    this.mirrorWithBody(req, res, config, route, pool, started, method, path, upstream.list);
  };

  /** Reads the body (up to the cap) so the mirror can send the same bytes, then sends both. */
  private mirrorWithBody(
    req: IncomingMessage,
    res: ServerResponse,
    config: CompiledConfig,
    route: CompiledRoute,
    pool: CompiledPool,
    started: number,
    method: Dispatcher.HttpMethod,
    path: string,
    headers: string[],
  ): void {
    // Created first, so a client that leaves while its body is read is noticed.
    const exchange = this.exchange(res, route, pool, started, undefined);
    bufferBody(req, config.shadow.maxBodyBytes).then(
      (read) => {
        if (exchange.clientGone) return;
        if (read.complete) exchange.attachPair(this.mirror.send(config, route, { method, path, headers, body: read.body }));
        else this.mirror.noteBodyTooLarge();
        this.dispatch(exchange, method, path, headers, read.complete ? read.body : streamedBody(read.stream));
      },
      () => exchange.abandon(),
    );
  }

  private exchange(res: ServerResponse, route: CompiledRoute, pool: CompiledPool, started: number, pair: PendingPair | undefined): PrimaryExchange {
    const exchange = new PrimaryExchange(this, res, route, pool, started, pair);
    this.live.add(exchange);
    return exchange;
  }

  /** Applies the pool's faults, then forwards. */
  private dispatch(exchange: PrimaryExchange, method: Dispatcher.HttpMethod, path: string, headers: string[], body: Dispatcher.DispatchOptions['body']): void {
    const fault = decideFault(exchange.pool.faults);
    if (fault.delayMs === 0) return this.afterDelay(exchange, fault.outcome, method, path, headers, body);
    setTimeout(() => this.afterDelay(exchange, fault.outcome, method, path, headers, body), fault.delayMs);
  }

  private afterDelay(
    exchange: PrimaryExchange,
    outcome: 'pass' | 'abort' | 'error',
    method: Dispatcher.HttpMethod,
    path: string,
    headers: string[],
    body: Dispatcher.DispatchOptions['body'],
  ): void {
    if (exchange.clientGone || exchange.ended) return;
    if (outcome === 'abort') return exchange.injectAbort();
    if (outcome === 'error') return exchange.injectError(exchange.pool.faults!.errorStatus);
    exchange.forward(method, path, headers, body);
  }

  private unrouted(res: ServerResponse, host: string | undefined, path: string): void {
    this.metrics.unrouted++;
    this.answer(res, 404, 'NO_ROUTE', `no route matches host ${host ?? '(none)'} path ${path.split('?')[0]}`);
  }

  /** The router's own answer to a request it will not forward. */
  private answer(res: ServerResponse, status: number, code: string, message: string): void {
    if (this.draining) res.shouldKeepAlive = false;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message } }));
    this.requestDone();
  }

  /**
   * Ends every unfinished request of `route` to one of `pools` (HAProxy's `shutdown-sessions`):
   * used when those pools are fenced, so no request waits out its timeout on them. Returns how many.
   */
  shutDownSessions(route: string, pools: ReadonlySet<string>): number {
    let ended = 0;
    for (const exchange of [...this.live]) {
      if (exchange.routeName !== route || !pools.has(exchange.pool.name)) continue;
      exchange.shutDown();
      ended++;
    }
    return ended;
  }

  requestDone(exchange?: PrimaryExchange): void {
    if (exchange) this.live.delete(exchange);
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
