/**
 * Connection settings from the environment. With TEMPORAL_ADDRESS set Genie connects to
 * that cluster and starts nothing; without it, Genie runs its embedded dev server.
 */
import * as fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../../workflows/api';

export interface TemporalSettings {
  /** host:port; undefined means "start the embedded dev server". */
  address?: string;
  namespace: string;
  taskQueue: string;
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
  /** Embedded server ports. */
  grpcPort: number;
  uiPort: number;
  /** Runs kept in worker memory; the rest wait durably on the server and are replayed when they wake. */
  maxCachedWorkflows?: number;
}

/** A port number from the environment variable `name`, or `fallback` when unset; anything else is a clear error. */
export function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${name}=${raw} is not a port number (1-65535)`);
  return value;
}

function cacheSize(): number | undefined {
  const raw = process.env.GENIE_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`GENIE_MAX_CACHED_WORKFLOWS=${raw} is not a whole number of runs (0 or more)`);
  return value;
}

function tlsFromEnv(): ConnectionOptions['tls'] {
  const cert = process.env.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const key = process.env.TEMPORAL_TLS_CLIENT_KEY_PATH;
  const ca = process.env.TEMPORAL_TLS_SERVER_CA_CERT_PATH;
  const serverName = process.env.TEMPORAL_TLS_SERVER_NAME;
  if (!cert && !key && !ca && process.env.TEMPORAL_TLS !== 'true') return undefined;
  if (Boolean(cert) !== Boolean(key)) throw new Error('set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or neither');
  return {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(ca ? { serverRootCACertificate: fs.readFileSync(ca) } : {}),
    ...(cert && key ? { clientCertPair: { crt: fs.readFileSync(cert), key: fs.readFileSync(key) } } : {}),
  };
}

export function temporalSettings(): TemporalSettings {
  const grpcPort = port('GENIE_TEMPORAL_PORT', 7233);
  const apiKey = process.env.TEMPORAL_API_KEY || undefined;
  return {
    address: process.env.TEMPORAL_ADDRESS || undefined,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: process.env.GENIE_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    tls: tlsFromEnv() ?? (apiKey ? true : undefined),
    apiKey,
    grpcPort,
    uiPort: port('GENIE_UI_PORT', grpcPort + 1000),
    maxCachedWorkflows: cacheSize(),
  };
}

/** Where clients and workers connect: the configured cluster or the embedded server. */
export function effectiveAddress(settings: TemporalSettings): string {
  return settings.address ?? `127.0.0.1:${settings.grpcPort}`;
}
