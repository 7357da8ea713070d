/**
 * What went wrong with an upstream exchange, in the router's error vocabulary, and the status
 * a client gets for it when no response has started: 502 when the upstream could not be
 * reached or broke off, 504 when it was too slow.
 */
import type { ErrorKind } from './sliding-window';
import { GenieError } from '../errors/genie-error';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The router's own reason to stop waiting: the route's timeout passed. */
export class UpstreamTimeoutError extends GenieError {
  readonly code = 'UPSTREAM_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`no response from upstream within ${timeoutMs}ms`);
  }
}

export function failureKind(error: unknown): ErrorKind {
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (typeof code === 'string' && CONNECT_CODES.has(code)) return 'connect';
  return 'upstream';
}

export function statusFor(kind: ErrorKind): number {
  return kind === 'timeout' ? 504 : 502;
}

/** The JSON body of a 502/504 the router answers itself. */
export function gatewayErrorBody(kind: ErrorKind, pool: string, error: unknown): string {
  const code = kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : kind === 'connect' ? 'UPSTREAM_CONNECT' : 'UPSTREAM_FAILED';
  const detail = kind === 'timeout' ? ((error as Error)?.message ?? 'timed out') : `${(error as { code?: string })?.code ?? 'error'}`;
  return JSON.stringify({ error: { code, message: `pool ${pool}: ${detail}` } });
}

/** The router's own reason to end a request: its pool was shut out of the route (shutdownSessions). */
export class PoolShutDownError extends GenieError {
  readonly code = 'POOL_SHUT_DOWN';
  constructor(pool: string) {
    super(`pool ${pool} was taken out of the route with shutdownSessions; the request's outcome is unknown`);
  }
}

/** The JSON body of the 503 a shut-down request gets. */
export function poolShutDownBody(pool: string): string {
  return JSON.stringify({
    error: { code: 'POOL_SHUT_DOWN', message: `pool ${pool} was taken out of the route while this request was in flight; its outcome is unknown` },
  });
}
