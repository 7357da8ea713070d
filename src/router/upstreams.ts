/**
 * One undici Pool per upstream origin, kept alive across config versions: a weight change
 * must not reconnect anything. An origin that leaves the config is closed after a grace
 * period, not at once, because requests that read the previous config a moment ago may
 * still be about to use it (Pool.close itself then waits for whatever is in flight).
 */
import { Pool } from 'undici';

export interface UpstreamOptions {
  /** Keep-alive connections to this origin. */
  connections: number;
  connectTimeoutMs: number;
}

interface Entry {
  pool: Pool;
  closeTimer?: NodeJS.Timeout;
}

const DEFAULT_GRACE_MS = 30_000;

export class UpstreamRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly graceMs = DEFAULT_GRACE_MS) {}

  static key(origin: string, options: UpstreamOptions): string {
    return `${new URL(origin).origin}|${options.connections}|${options.connectTimeoutMs}`;
  }

  /** The pool for `origin` with these options, reused when it exists. */
  acquire(origin: string, options: UpstreamOptions): Pool {
    const key = UpstreamRegistry.key(origin, options);
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.closeTimer) clearTimeout(entry.closeTimer);
      entry.closeTimer = undefined;
      return entry.pool;
    }
    const pool = new Pool(new URL(origin).origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: { timeout: options.connectTimeoutMs, noDelay: true, keepAlive: true },
      // The proxy applies its own per-route timeouts (src/router/exchange.ts).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.entries.set(key, { pool });
    return pool;
  }

  /** Schedules every pool whose key is not in `keep` for closing after the grace period. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const [key, entry] of this.entries) {
      if (keep.has(key) || entry.closeTimer) continue;
      entry.closeTimer = setTimeout(() => {
        this.entries.delete(key);
        entry.pool.close().catch(() => undefined);
      }, this.graceMs);
      entry.closeTimer.unref();
    }
  }

  /** Graceful: waits for requests in flight on every pool. */
  async closeAll(): Promise<void> {
    const pools = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      pools.map(async (e) => {
        if (e.closeTimer) clearTimeout(e.closeTimer);
        await e.pool.close().catch(() => undefined);
      }),
    );
  }

  /** Abrupt: for a drain that ran out of time. */
  async destroyAll(): Promise<void> {
    const pools = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      pools.map(async (e) => {
        if (e.closeTimer) clearTimeout(e.closeTimer);
        await e.pool.destroy().catch(() => undefined);
      }),
    );
  }

  get size(): number {
    return this.entries.size;
  }
}
