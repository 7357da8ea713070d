/**
 * HTTP load for demos, tests and the router benchmark, on undici.
 *
 * Open loop (`openLoop`): requests leave at fixed intended times (rate per second) whether or
 * not earlier ones have answered, and each latency is measured from its intended start — so
 * a stalled server shows up as latency rather than as a politely slower load generator
 * (no coordinated omission). Closed loop (`closedLoop`): N workers each send the next
 * request when the previous answered; what it measures is throughput.
 */
import { Pool, type Dispatcher } from 'undici';
import { readBody } from '../http/read-body';

/** Bodies are collected for tests to look at, not whole downloads. */
const MAX_COLLECTED_BODY_BYTES = 1024 * 1024;

export interface LoadTarget {
  /** Origin, e.g. http://127.0.0.1:8080. */
  origin: string;
  path?: string;
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

export interface LoadResult {
  sent: number;
  /** Answered with any status. */
  completed: number;
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers plus failed requests. */
  errors: number;
  statuses: Record<string, number>;
  /** Failed requests by error code (ECONNRESET, UND_ERR_SOCKET...). */
  failures: Record<string, number>;
  /** Milliseconds, one per answered request, in completion order. */
  latenciesMs: number[];
  durationMs: number;
  /** The answers' bodies, when collectBodies was set. */
  bodies?: string[];
}

export interface OpenLoopOptions extends LoadTarget {
  /** Requests per second. */
  rate: number;
  /** How many requests in all. */
  count: number;
  /** Connections the generator may open (default 256). */
  connections?: number;
  collectBodies?: boolean;
}

export interface ClosedLoopOptions extends LoadTarget {
  concurrency: number;
  durationMs: number;
  collectBodies?: boolean;
}

class Recorder {
  readonly result: LoadResult = { sent: 0, completed: 0, ok: 0, errors: 0, statuses: {}, failures: {}, latenciesMs: [], durationMs: 0 };

  constructor(collectBodies: boolean) {
    if (collectBodies) this.result.bodies = [];
  }

  async send(pool: Pool, target: LoadTarget, startedAt: number): Promise<void> {
    this.result.sent++;
    try {
      const response = await pool.request({
        path: target.path ?? '/',
        method: target.method ?? 'GET',
        headers: target.headers,
        body: target.body,
        headersTimeout: target.timeoutMs ?? 10_000,
        bodyTimeout: target.timeoutMs ?? 10_000,
      });
      if (this.result.bodies) this.result.bodies.push((await readBody(response.body, { maxBytes: MAX_COLLECTED_BODY_BYTES })).text);
      else await response.body.dump();
      this.result.latenciesMs.push(performance.now() - startedAt);
      this.result.completed++;
      this.result.statuses[response.statusCode] = (this.result.statuses[response.statusCode] ?? 0) + 1;
      if (response.statusCode >= 200 && response.statusCode < 300) this.result.ok++;
      else this.result.errors++;
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? (error as Error).name);
      this.result.failures[code] = (this.result.failures[code] ?? 0) + 1;
      this.result.errors++;
    }
  }
}

export async function openLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.connections ?? 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const recorder = new Recorder(options.collectBodies ?? false);
  const intervalMs = 1000 / options.rate;
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  try {
    let next = 0;
    while (next < options.count) {
      const due = Math.min(options.count, Math.floor((performance.now() - start) / intervalMs) + 1);
      for (; next < due; next++) pending.push(recorder.send(pool, options, start + next * intervalMs));
      if (next < options.count) await new Promise((r) => setTimeout(r, Math.max(0, start + next * intervalMs - performance.now())));
    }
    await Promise.all(pending);
  } finally {
    recorder.result.durationMs = performance.now() - start;
    await pool.close();
  }
  return recorder.result;
}

export async function closedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const recorder = new Recorder(options.collectBodies ?? false);
  const start = performance.now();
  const end = start + options.durationMs;
  const worker = async () => {
    while (performance.now() < end) await recorder.send(pool, options, performance.now());
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    recorder.result.durationMs = performance.now() - start;
    await pool.close();
  }
  return recorder.result;
}

/** Nearest-rank percentile of unsorted samples (NaN when empty). */
export function percentileOf(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
