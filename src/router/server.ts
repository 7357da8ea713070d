/**
 * The router as a running thing: the traffic listener, the admin listener, and an orderly
 * end. Graceful shutdown stops accepting connections, lets every request in flight finish
 * (each response now closes its connection), waits up to the drain timeout, then closes
 * the upstream pools and the admin API.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminHandler } from './admin-api';
import { BearerToken } from './admin-auth';
import type { RouterConfig } from './config-schema';
import { ConfigStore } from './config-store';
import { MetricsRegistry } from './metrics';
import { Mirror } from './mirror';
import { RequestProxy } from './proxy';
import { ShadowRing } from './shadow-ring';
import { UpstreamRegistry } from './upstreams';

export interface RouterOptions {
  config: RouterConfig;
  /** Bearer token of the admin API (GENIE_ROUTER_TOKEN). */
  token: string;
  /** Traffic port; 0 picks a free one. Default 0. */
  port?: number;
  /** Admin port; 0 picks a free one. Default 0. */
  adminPort?: number;
  /** Default 127.0.0.1 for both; a router meant for other machines says 0.0.0.0. */
  host?: string;
  adminHost?: string;
  /** How long shutdown waits for requests in flight. Default 30 s. */
  drainTimeoutMs?: number;
}

export interface RunningRouter {
  url: string;
  adminUrl: string;
  port: number;
  adminPort: number;
  store: ConfigStore;
  /** Graceful: resolves when everything has stopped. Idempotent. */
  close(): Promise<{ drained: boolean; inFlightAtTimeout: number }>;
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const token = new BearerToken(options.token);
  const upstreams = new UpstreamRegistry();
  const metrics = new MetricsRegistry();
  const ring = new ShadowRing(0);
  const store = new ConfigStore(options.config, upstreams, metrics, ring);
  const mirror = new Mirror(metrics, ring);
  const proxy = new RequestProxy(store, metrics, mirror);

  const traffic = http.createServer({ keepAliveTimeout: 30_000, headersTimeout: 60_000, requestTimeout: 0, noDelay: true }, proxy.handle);
  // A malformed request gets a 400 and a closed connection, not a silent reset.
  traffic.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  const admin = http.createServer({ keepAliveTimeout: 5_000 }, createAdminHandler({ store, metrics, ring, proxy, mirror, token, startedAt: Date.now() }));

  try {
    await listen(traffic, options.port ?? 0, options.host ?? '127.0.0.1');
    await listen(admin, options.adminPort ?? 0, options.adminHost ?? options.host ?? '127.0.0.1');
  } catch (error) {
    traffic.close();
    admin.close();
    await upstreams.destroyAll();
    throw error;
  }
  const port = (traffic.address() as AddressInfo).port;
  const adminPort = (admin.address() as AddressInfo).port;
  const displayHost = (h: string | undefined) => (!h || h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h);

  let closing: Promise<{ drained: boolean; inFlightAtTimeout: number }> | undefined;
  const close = () =>
    (closing ??= (async () => {
      proxy.draining = true;
      const stopped = new Promise<void>((resolve) => traffic.close(() => resolve()));
      traffic.closeIdleConnections();
      const drainMs = options.drainTimeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        proxy.whenIdle().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), drainMs);
        }),
      ]);
      clearTimeout(timer);
      const inFlightAtTimeout = drained ? 0 : proxy.inFlight;
      // Connections idle after their last response (or cut off by the timeout).
      traffic.closeAllConnections();
      await stopped;
      await (drained ? upstreams.closeAll() : upstreams.destroyAll());
      await new Promise<void>((resolve) => {
        admin.close(() => resolve());
        admin.closeAllConnections();
      });
      return { drained, inFlightAtTimeout };
    })());

  return {
    url: `http://${displayHost(options.host)}:${port}`,
    adminUrl: `http://${displayHost(options.adminHost ?? options.host)}:${adminPort}`,
    port,
    adminPort,
    store,
    close,
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
