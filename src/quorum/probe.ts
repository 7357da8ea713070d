/**
 * One observer's look at one region: an HTTP health request whose handler does a database
 * round trip (the region's app answers 200 only when its PostgreSQL answered). Anything
 * but a 2xx within the timeout is "unhealthy"; the reason is kept for the evidence.
 *
 * Each observer has its own connection pool, so a stuck socket or a partition of one
 * observer never slows another's probes (they must fail independently to be independent
 * witnesses). Circuit breakers are not used: a breaker would hide the region's real state.
 */
import { Agent, request } from 'undici';
import { readBody } from '../http/read-body';

/** A health answer is a status and a lag; a longer one is cut (and is then not JSON: no lag). */
const MAX_HEALTH_ANSWER_BYTES = 64 * 1024;

export interface ProbeResult {
  healthy: boolean;
  /** Replication lag the region reported (bytes), when its health answer carries one. */
  lagBytes: number | null;
  latencyMs: number;
  /** Why unhealthy: status code, timeout, connection error. */
  reason?: string;
}

/** A probe of one region by one observer. */
export type Probe = (region: string, signal: AbortSignal) => Promise<ProbeResult>;

export interface HttpProbeOptions {
  /** Health URL per region (the app's health endpoint, which queries its database). */
  urls: Record<string, string>;
  /** Give up after this long: the region is unhealthy (default 200 ms). */
  timeoutMs?: number;
}

/** Reads a lag from the app's health JSON, wherever a region app usually puts it. */
export function lagFrom(body: unknown): number | null {
  const o = body as Record<string, unknown> | null;
  const candidates = [o?.lagBytes, (o?.replication as Record<string, unknown> | undefined)?.lagBytes, (o?.db as Record<string, unknown> | undefined)?.lagBytes];
  for (const c of candidates) if (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0) return c;
  return null;
}

export function httpProbe(options: HttpProbeOptions): Probe & { close(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 200;
  const agent = new Agent({ connections: 4, keepAliveTimeout: 2_000, connect: { timeout: timeoutMs } });
  const probe = async (region: string, outer: AbortSignal): Promise<ProbeResult> => {
    const url = options.urls[region];
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    if (!url) return { healthy: false, lagBytes: null, latencyMs: 0, reason: `no health URL for region ${region}` };
    // A timer we hold ourselves, not AbortSignal.timeout inside AbortSignal.any: on Node 20 a
    // GC can collect that timeout signal before it fires (nodejs/node#57736), and the probe of
    // a hung region then never returns — no verdict, so the quorum was never re-evaluated.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
    const signal = AbortSignal.any([outer, deadline.signal]);
    try {
      const response = await request(url, { method: 'GET', dispatcher: agent, signal, headers: { accept: 'application/json' } });
      const { text } = await readBody(response.body, { maxBytes: MAX_HEALTH_ANSWER_BYTES });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return { healthy: ok, lagBytes: lagFrom(body), latencyMs: elapsed(), ...(ok ? {} : { reason: `HTTP ${response.statusCode}` }) };
    } catch (error) {
      const timedOut = signal.aborted && !outer.aborted;
      return {
        healthy: false,
        lagBytes: null,
        latencyMs: elapsed(),
        reason: timedOut ? `no answer within ${timeoutMs}ms` : ((error as { code?: string }).code ?? (error as Error).message),
      };
    } finally {
      clearTimeout(timer);
    }
  };
  return Object.assign(probe, { close: () => agent.close() });
}
