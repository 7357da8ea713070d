/**
 * Traffic mirroring: a share of a route's requests is also sent to one or more shadow
 * pools, fire and forget. The primary never waits for, or hears about, the shadow: the mirror is dispatched
 * on its own connection pool, its response is read and thrown away (keeping an excerpt for
 * the shadow pair), and its failures are counted, never raised. Outstanding mirrors are
 * capped so a slow shadow cannot pile up memory; beyond the cap, mirrors are dropped.
 */
import type { Dispatcher } from 'undici';
import type { CompiledConfig, CompiledPool, CompiledRoute } from './compiled-config';
import { decideFault, injectedErrorBody } from './faults';
import { downstreamResponseHeaders } from './headers';
import { errorIndexFor, type MetricsRegistry } from './metrics';
import { Excerpt, PendingPair, capturedRequest } from './shadow-pair';
import type { ShadowRing } from './shadow-ring';
import type { ErrorKind } from './sliding-window';
import { UpstreamTimeoutError, failureKind } from './upstream-errors';

/** Mirroring these could repeat side effects (a second order, a second email), so they need mutating: true. */
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Added to mirrored requests, so a shadow can tell (and skip side effects it cannot undo). */
export const SHADOW_HEADER = 'x-genie-shadow';

export interface MirrorRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  /** As sent upstream (flat list). */
  headers: string[];
  body: Buffer | null;
}

export class Mirror {
  inFlight = 0;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly ring: ShadowRing,
  ) {}

  /** Whether this request is to be mirrored: the route mirrors, the method qualifies, the draw says yes. */
  wanted(route: CompiledRoute, method: string): boolean {
    const mirror = route.mirror;
    if (!mirror) return false;
    if (!mirror.mutating && MUTATING.has(method)) return false;
    return mirror.percent >= 100 || Math.random() * 100 < mirror.percent;
  }

  noteBodyTooLarge(): void {
    this.metrics.mirror.skippedBodyTooLarge++;
  }

  /**
   * Sends the mirror (after the pool's faults) and returns the pair the primary completes,
   * or undefined when the mirror was dropped or pairs are not being kept.
   */
  send(config: CompiledConfig, route: CompiledRoute, request: MirrorRequest): PendingPair | undefined {
    const pools = route.mirror!.pools;
    // All of a request's mirrors or none: a noise pool's pairs must line up with the candidate's.
    if (this.inFlight + pools.length > config.shadow.maxInFlight) {
      this.metrics.mirror.droppedInFlight += pools.length;
      return undefined;
    }
    const pair = this.ring.enabled
      ? new PendingPair(
          this.ring,
          route.name,
          capturedRequest(request.method, request.path, request.headers, request.body, config.shadow.excerptBytes),
          config.shadow.excerptBytes,
        )
      : undefined;
    for (const pool of pools) this.sendTo(pool, route, request, pair);
    return pair;
  }

  private sendTo(pool: CompiledPool, route: CompiledRoute, request: MirrorRequest, pair: PendingPair | undefined): void {
    this.inFlight++;
    this.metrics.mirror.sent++;
    const exchange = new ShadowExchange(this, pool, route.timeoutMs, pair);
    const fault = decideFault(pool.faults);
    const go = () => {
      if (fault.outcome === 'abort') return exchange.injected(0, 'aborted');
      if (fault.outcome === 'error') return exchange.injected(pool.faults!.errorStatus, undefined);
      exchange.dispatch(request);
    };
    if (fault.delayMs > 0) setTimeout(go, fault.delayMs);
    else go();
  }

  done(failed: boolean): void {
    this.inFlight--;
    if (failed) this.metrics.mirror.failed++;
    else this.metrics.mirror.completed++;
  }
}

function onShadowTimeout(exchange: ShadowExchange): void {
  exchange.timedOut();
}

/** The mirror's side of a shadow pair: read the response, keep an excerpt, record, forget. */
class ShadowExchange implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private abortUpstream: ((reason?: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private status = 0;
  private headers: string[] = [];
  private finished = false;
  private readonly excerpt: Excerpt;

  constructor(
    private readonly mirror: Mirror,
    private readonly pool: CompiledPool,
    private readonly timeoutMs: number,
    private readonly pair: PendingPair | undefined,
  ) {
    this.excerpt = new Excerpt(pair ? pair.excerptBytes : 0);
  }

  dispatch(request: MirrorRequest): void {
    const dispatchers = this.pool.dispatchers;
    const dispatcher = dispatchers[this.pool.next % dispatchers.length];
    this.pool.next = (this.pool.next + 1) % dispatchers.length;
    this.timer = setTimeout(onShadowTimeout, this.timeoutMs, this);
    try {
      dispatcher.dispatch(
        {
          path: request.path,
          method: request.method,
          headers: [...request.headers, SHADOW_HEADER, 'true'],
          body: request.body,
          headersTimeout: 0,
          bodyTimeout: this.timeoutMs,
        },
        this,
      );
    } catch (error) {
      this.onError(error as Error);
    }
  }

  injected(status: number, failure: ErrorKind | undefined): void {
    if (status > 0) {
      this.status = status;
      this.excerpt.add(Buffer.from(injectedErrorBody(this.pool.name, status)));
    }
    this.finish(failure);
  }

  timedOut(): void {
    if (this.finished) return;
    const error = new UpstreamTimeoutError(this.timeoutMs);
    this.abortUpstream?.(error);
    this.finish('timeout');
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.finished) abort(new UpstreamTimeoutError(this.timeoutMs));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true;
    clearTimeout(this.timer);
    this.status = statusCode;
    if (this.pair) this.headers = downstreamResponseHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.pair) this.excerpt.add(chunk);
    return true;
  }

  onComplete(): void {
    this.finish(undefined);
  }

  onError(error: Error): void {
    this.finish(failureKind(error));
  }

  private finish(failure: ErrorKind | undefined): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    const latencyMs = performance.now() - this.started;
    const status = failure && this.status === 0 ? 0 : this.status;
    this.pool.metrics.record(Date.now(), latencyMs * 1000, status, errorIndexFor(status, failure));
    this.pair?.completeShadow(this.pool.name, {
      status: status || null,
      headers: this.headers,
      excerpt: this.excerpt,
      latencyMs,
      ...(failure ? { error: failure } : {}),
    });
    this.mirror.done(failure !== undefined || status >= 500);
  }
}
