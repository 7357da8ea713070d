/**
 * A small client of the router's admin API for processes that drive a router directly: the
 * demo environment, tests, the benchmark. (Runbook actions use activities/traffic.ts, which
 * goes through the shared HTTP client and its circuit breakers.)
 */
import { request } from 'undici';
import type { RouterConfig } from './config-schema';
import { readBody } from '../http/read-body';

/** Far above any configuration or stats answer the router gives; a client never holds an endless body. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface AdminAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON answer (undefined when the body is not JSON). */
  json: T;
}

export class RouterAdminClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Any call; `token: null` sends none, a string sends that one instead. */
  async call<T = Record<string, unknown>>(
    method: 'GET' | 'PUT' | 'DELETE' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
  ): Promise<AdminAnswer<T>> {
    const token = options.token === undefined ? this.token : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (typeof options.body === 'string') body = options.body;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await request(this.url.replace(/\/+$/, '') + path, { method, headers, body, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
    const { text, truncated } = await readBody(response.body, { maxBytes: MAX_ANSWER_BYTES });
    if (truncated) throw new Error(`router admin ${method} ${path}: the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text, json: json as T };
  }

  private async ok<T>(answer: Promise<AdminAnswer<T>>): Promise<T> {
    const a = await answer;
    if (a.status < 200 || a.status >= 300) throw new Error(`router admin answered ${a.status}: ${a.text.slice(0, 500)}`);
    return a.json;
  }

  getConfig(): Promise<{ version: number; config: RouterConfig }> {
    return this.ok(this.call('GET', '/config'));
  }

  putConfig(config: RouterConfig, expectVersion?: number): Promise<{ version: number; previousVersion: number; config: RouterConfig }> {
    return this.ok(this.call('PUT', '/config', { body: config, ...(expectVersion !== undefined ? { headers: { 'if-match': `"${expectVersion}"` } } : {}) }));
  }

  setWeights(
    route: string,
    weights: Record<string, number>,
    expectVersion?: number,
  ): Promise<{ version: number; previousVersion: number; weights: Record<string, number>; previous: { weights: Record<string, number> } }> {
    return this.ok(
      this.call('PUT', `/routes/${encodeURIComponent(route)}/weights`, { body: { weights, ...(expectVersion !== undefined ? { expectVersion } : {}) } }),
    );
  }

  setMirror(route: string, mirror: { pool: string; percent: number; mutating?: boolean } | null): Promise<{ version: number }> {
    return this.ok(this.call(mirror ? 'PUT' : 'DELETE', `/routes/${encodeURIComponent(route)}/mirror`, mirror ? { body: mirror } : {}));
  }

  stats(query: Record<string, string> = {}): Promise<Record<string, any>> {
    return this.ok(this.call('GET', `/stats?${new URLSearchParams(query)}`));
  }

  async metricsText(): Promise<string> {
    const a = await this.call('GET', '/metrics');
    if (a.status !== 200) throw new Error(`router admin answered ${a.status}: ${a.text.slice(0, 500)}`);
    return a.text;
  }

  shadowPairs(query: Record<string, string> = {}): Promise<{ pairs: Array<Record<string, any>>; stats: Record<string, number>; cleared: boolean }> {
    return this.ok(this.call('GET', `/shadow/pairs?${new URLSearchParams(query)}`));
  }
}
