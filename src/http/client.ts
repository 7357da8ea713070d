/**
 * Every outbound HTTP call from an activity goes through `httpRequest`, over one shared
 * keep-alive agent, so connection reuse, timeouts and the circuit breaker apply to all of
 * them in one place. Failures come back as a few typed errors that say what went wrong in
 * terms a retry policy can act on: could not connect, too slow, cancelled, or not attempted
 * because the destination's breaker is open.
 *
 * Circuit breaker (src/resilience/): one per URL origin. 5xx answers, connect errors,
 * timeouts and connections broken mid-exchange count as failures: the destination is down or
 * overloaded. 4xx answers count as successes: the destination is up and answering, and
 * the request itself is what is wrong, which opening the breaker would not fix. Calls
 * cancelled by their caller and unusable URLs count for nothing.
 */
import { Agent } from 'undici';
import { REJECTED } from '../resilience/breaker';
import { currentBreakers } from '../resilience/current';
import type { BreakerRegistry } from '../resilience/registry';
import type { Rejection } from '../resilience/states';
import { activeTracing } from '../telemetry/state';
import { GenieError } from '../errors/genie-error';
import { readBody } from './read-body';

const CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** One pool per origin inside; idle sockets are kept a little while for the next probe. */
export const httpAgent = new Agent({
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
  connect: { timeout: CONNECT_TIMEOUT_MS },
  connections: 64,
});

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface HttpRequest {
  method: HttpMethod;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  /** Whole exchange, connect through last body byte. */
  timeoutMs: number;
  /** Abort from outside, e.g. the activity's cancellation signal. */
  signal?: AbortSignal;
  /** Read at most this much of the body (default 1 MiB); the rest is discarded. */
  maxBodyBytes?: number;
  /** The breakers to go through: default the running worker's (src/resilience/current.ts); false bypasses them. */
  breakers?: BreakerRegistry | false;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** Body decoded as UTF-8, cut at maxBodyBytes. */
  body: string;
  truncated: boolean;
  /** Milliseconds from sending the request to the last body byte read. */
  latencyMs: number;
}

export type HttpErrorCode = 'BAD_ARGUMENT' | 'HTTP_CONNECT' | 'HTTP_TIMEOUT' | 'HTTP_ABORTED' | 'HTTP_ERROR' | 'BREAKER_OPEN';

export class HttpClientError extends GenieError {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly latencyMs?: number,
    /** The underlying system or undici error code, e.g. ECONNREFUSED. */
    readonly causeCode?: string,
  ) {
    super(message);
  }
}
/** The URL or request is unusable; retrying cannot help. */
export class HttpArgumentError extends HttpClientError {
  constructor(message: string) {
    super('BAD_ARGUMENT', message);
  }
}
/** No connection could be made: refused, unresolvable, unreachable, TLS handshake failed. */
export class HttpConnectError extends HttpClientError {
  constructor(message: string, latencyMs: number, causeCode?: string) {
    super('HTTP_CONNECT', message, latencyMs, causeCode);
  }
}
/** The exchange did not finish within timeoutMs. */
export class HttpTimeoutError extends HttpClientError {
  constructor(message: string, latencyMs: number) {
    super('HTTP_TIMEOUT', message, latencyMs);
  }
}
/** The caller's signal aborted the request. */
export class HttpAbortedError extends HttpClientError {
  constructor(message: string, latencyMs: number) {
    super('HTTP_ABORTED', message, latencyMs);
  }
}

/** Not sent: the destination's circuit breaker is open; `rejection` says until when (retryable). */
export class HttpBreakerOpenError extends HttpClientError {
  constructor(readonly rejection: Rejection) {
    super('BREAKER_OPEN', rejection.message, 0);
  }
}

/** Failures that happen before a connection exists (system, undici and TLS codes). */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET_CONNECT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function parseHttpUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new HttpArgumentError(`"${String(url).slice(0, 200)}" is not a URL; write e.g. https://host:port/path`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HttpArgumentError(`${parsed.protocol} URLs are not supported; use http: or https:`);
  }
  // Credentials in a URL end up in logs and history; a header can be masked.
  if (parsed.username || parsed.password) {
    throw new HttpArgumentError('URLs with user:password@ are not supported; send credentials in an Authorization header');
  }
  return parsed;
}

export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const url = parseHttpUrl(request.url);
  // Tracing on: a CLIENT span around the call (breaker rejections included) and `traceparent` sent along.
  const tracing = activeTracing();
  if (tracing) return tracing.traceHttp(request.method, url, request.headers, (headers) => throughBreaker({ ...request, headers }, url));
  return throughBreaker(request, url);
}

async function throughBreaker(request: HttpRequest, url: URL): Promise<HttpResponse> {
  const breakers = request.breakers === false ? undefined : (request.breakers ?? currentBreakers());
  if (!breakers) return exchange(request, url);
  // Only while a worker starts: its first overrides are on their way (at most GENIE_BREAKER_SYNC_WAIT).
  if (!breakers.ready) await breakers.whenReady();
  const breaker = breakers.get(url.origin);
  const ticket = breaker.tryAcquire();
  if (ticket === REJECTED) throw new HttpBreakerOpenError(breaker.rejection());
  let response: HttpResponse;
  try {
    response = await exchange(request, url);
  } catch (error) {
    if (error instanceof HttpClientError && DESTINATION_FAILURES.has(error.code)) breaker.record(ticket, true, error.latencyMs ?? 0);
    else breaker.release(ticket);
    throw error;
  }
  breaker.record(ticket, response.status >= 500, response.latencyMs);
  return response;
}

/** What says the destination is unwell (see the header); aborts and bad arguments say nothing about it. */
const DESTINATION_FAILURES = new Set<HttpErrorCode>(['HTTP_CONNECT', 'HTTP_TIMEOUT', 'HTTP_ERROR']);

async function exchange(request: HttpRequest, url: URL): Promise<HttpResponse> {
  const where = `${request.method} ${url.origin}`;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // Node fires longer timers at once; nobody means a request to wait 24 days anyway.
  const timeoutMs = Math.min(Math.max(1, request.timeoutMs), 2 ** 31 - 1);
  // One controller for both ways a request ends early; its reason says which one it was.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new HttpTimeoutError(`${where} timed out after ${timeoutMs}ms`, elapsed())), timeoutMs);
  const onAbort = () => controller.abort(new HttpAbortedError(`${where} was aborted`, elapsed()));
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });

  let connected = false;
  try {
    const response = await httpAgent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      // Our own timer governs the whole exchange, so undici's per-phase timers are off.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    connected = true;
    // Beyond the bound it stops reading: a huge or endless body must not hold the activity or the memory.
    const { text: body, truncated } = await readBody(response.body, { maxBytes: request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = value;
    return { status: response.statusCode, headers, body, truncated, latencyMs: elapsed() };
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof HttpClientError) throw controller.signal.reason;
    throw classify(error, where, elapsed(), connected);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function classify(error: unknown, where: string, latencyMs: number, connected: boolean): HttpClientError {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new HttpTimeoutError(`${where} timed out: ${detail}`, latencyMs);
  }
  if (code === 'UND_ERR_INVALID_ARG') return new HttpArgumentError(`${where}: ${detail}`);
  if (!connected && code && CONNECT_CODES.has(code)) {
    return new HttpConnectError(`${where}: cannot connect (${code}): ${detail}`, latencyMs, code);
  }
  return new HttpClientError('HTTP_ERROR', `${where} failed${code ? ` (${code})` : ''}: ${detail}`, latencyMs, code);
}
