/**
 * One proxied request, from dispatch to the last byte the client receives: an undici
 * dispatch handler that streams the upstream's response into the client's (backpressure
 * both ways, no buffering), answers 502/504 itself when the upstream fails before
 * responding, aborts the upstream when the client goes away, and records the outcome once.
 */
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CompiledPool, CompiledRoute } from './compiled-config';
import { injectedErrorBody } from './faults';
import { downstreamResponseHeaders } from './headers';
import { errorIndexFor } from './metrics';
import { Excerpt, type PendingPair } from './shadow-pair';
import type { ErrorKind } from './sliding-window';
import { PoolShutDownError, UpstreamTimeoutError, failureKind, gatewayErrorBody, poolShutDownBody, statusFor } from './upstream-errors';
import { GenieError } from '../errors/genie-error';

/** What an exchange needs from the proxy that owns it. */
export interface ExchangeOwner {
  readonly draining: boolean;
  requestDone(exchange?: PrimaryExchange): void;
}

/** nginx's convention for "the client closed the connection before the response". */
export const CLIENT_CLOSED = 499;

class ClientClosedError extends GenieError {
  readonly code = 'CLIENT_CLOSED';

  constructor() {
    super('the client closed the connection');
  }
}

function onTimeout(exchange: PrimaryExchange): void {
  exchange.timedOut();
}

export class PrimaryExchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((reason?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private status = 0;
  private finished = false;
  private headersForCapture: string[] = [];
  private excerpt: Excerpt | undefined;
  /** The client went away before the response ended. */
  clientGone = false;

  constructor(
    private readonly owner: ExchangeOwner,
    private readonly res: ServerResponse,
    private readonly route: CompiledRoute,
    readonly pool: CompiledPool,
    private readonly started: number,
    private pair: PendingPair | undefined = undefined,
  ) {
    if (pair) this.excerpt = new Excerpt(pair.excerptBytes);
    res.once('close', this.onClientClose);
  }

  /** The shadow pair this request's response completes (decided once its body was read). */
  attachPair(pair: PendingPair | undefined): void {
    this.pair = pair;
    if (pair) this.excerpt = new Excerpt(pair.excerptBytes);
  }

  /** The request cannot go on (its body broke off): close the connection, record a client-side end. */
  abandon(): void {
    this.finish(CLIENT_CLOSED, undefined);
    this.res.destroy();
  }

  /** Sends the request to the pool's next origin (round robin). */
  forward(method: Dispatcher.HttpMethod, path: string, headers: string[], body: Dispatcher.DispatchOptions['body']): void {
    if (this.finished) return;
    const pool = this.pool;
    const dispatchers = pool.dispatchers;
    let dispatcher = dispatchers[0];
    if (dispatchers.length > 1) {
      dispatcher = dispatchers[pool.next];
      pool.next = (pool.next + 1) % dispatchers.length;
    }
    this.timer = setTimeout(onTimeout, this.route.timeoutMs, this);
    try {
      // Headers are timed by our own (precise) timer; undici's body timer watches for stalls.
      dispatcher.dispatch({ path, method, headers, body, headersTimeout: 0, bodyTimeout: this.route.timeoutMs }, this);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /** Fault injection: answer `status` without going upstream. */
  injectError(status: number): void {
    const body = injectedErrorBody(this.pool.name, status);
    this.excerpt?.add(Buffer.from(body));
    this.status = status;
    this.res.writeHead(status, { 'content-type': 'application/json', 'x-genie-fault': 'injected' }).end(body);
    this.finish(status, undefined);
  }

  /** Fault injection: reset the client's TCP connection (RST), as a crashing upstream would look. */
  injectAbort(): void {
    this.finish(0, 'aborted');
    const socket = this.res.socket;
    if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket?.destroy();
  }

  /**
   * The pool was taken out of the route with `shutdownSessions` (a fenced region): end this
   * request now, as 503 if nothing was sent yet, instead of letting it wait out the route's
   * timeout on an upstream that is no longer trusted. The client learns at once that the
   * outcome is unknown, as it would from a timeout.
   */
  shutDown(): void {
    if (this.finished) return;
    if (!this.res.headersSent) {
      const body = poolShutDownBody(this.pool.name);
      this.excerpt?.add(Buffer.from(body));
      this.status = 503;
      this.res.shouldKeepAlive = false;
      this.res.writeHead(503, { 'content-type': 'application/json' }).end(body);
    } else {
      this.res.destroy();
    }
    this.finish(this.status, 'aborted');
    // Only now: the abort reports back through onError at once, and must find the answer given.
    this.abortUpstream?.(new PoolShutDownError(this.pool.name));
  }

  /** Answered or abandoned: nothing more may be sent (a delayed fault finds it so after a shutDown). */
  get ended(): boolean {
    return this.finished;
  }

  /** The route this request was sent on. */
  get routeName(): string {
    return this.route.name;
  }

  timedOut(): void {
    if (this.finished || this.status !== 0) return;
    const error = new UpstreamTimeoutError(this.route.timeoutMs);
    this.fail(error);
    this.abortUpstream?.(error);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort;
    // Timed out or abandoned while queued for a connection.
    if (this.finished) abort(new ClientClosedError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.finished) return false;
    if (statusCode < 200) return true; // 1xx: Node's server speaks its own 100-continue
    clearTimeout(this.timer);
    this.status = statusCode;
    this.resumeUpstream = resume;
    const headers = downstreamResponseHeaders(rawHeaders);
    if (this.pair) this.headersForCapture = headers;
    // While draining, each response closes its connection, so clients reconnect elsewhere.
    if (this.owner.draining) this.res.shouldKeepAlive = false;
    try {
      this.res.writeHead(statusCode, headers);
    } catch (error) {
      // Headers Node refuses to send (invalid characters): the upstream's response is unusable.
      this.status = 0;
      this.abortUpstream?.(error as Error);
      this.fail(error);
      return false;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.finished) return false;
    this.excerpt?.add(chunk);
    const flowing = this.res.write(chunk);
    if (!flowing) this.res.once('drain', this.resumeUpstream!);
    return flowing;
  }

  onComplete(): void {
    if (this.finished) return;
    this.res.end();
    this.finish(this.status, undefined);
  }

  onError(error: Error): void {
    if (this.finished) return;
    this.fail(error);
  }

  private fail(error: unknown): void {
    const kind = failureKind(error);
    if (!this.res.headersSent) {
      const status = statusFor(kind);
      const body = gatewayErrorBody(kind, this.pool.name, error);
      this.excerpt?.add(Buffer.from(body));
      this.status = status;
      if (this.owner.draining) this.res.shouldKeepAlive = false;
      this.res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    } else {
      // Mid-body: the only honest signal left is to cut the connection.
      this.res.destroy();
    }
    this.finish(this.status, kind);
  }

  private readonly onClientClose = (): void => {
    if (this.finished) return;
    this.clientGone = true;
    this.abortUpstream?.(new ClientClosedError());
    this.finish(CLIENT_CLOSED, undefined);
  };

  private finish(status: number, failure: ErrorKind | undefined): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    const latencyMs = performance.now() - this.started;
    const now = Date.now();
    const errorIndex = errorIndexFor(status, failure);
    this.route.metrics.record(now, latencyMs * 1000, status, errorIndex);
    this.pool.metrics.record(now, latencyMs * 1000, status, errorIndex);
    this.pair?.completePrimary(this.pool.name, {
      status: status > 0 ? status : null,
      headers: this.headersForCapture,
      excerpt: this.excerpt!,
      latencyMs,
      ...(failure ? { error: failure } : {}),
    });
    this.owner.requestDone(this);
  }
}
