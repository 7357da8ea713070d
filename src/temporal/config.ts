/**
 * Connection settings from the environment. With an address (TEMPORAL_ADDRESS, or the
 * Temporal profile's, see profile.ts) Genie connects to that cluster and starts nothing;
 * without one, Genie runs its embedded dev server.
 */
import type { ConnectionOptions } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../../workflows/api';
import { connectionProfile } from './profile';

export interface TemporalSettings {
  /** host:port; undefined means "start the embedded dev server". */
  address?: string;
  namespace: string;
  taskQueue: string;
  /** false: TLS explicitly off (TEMPORAL_TLS=false), even with an API key. */
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
  /** gRPC headers sent with every call (a profile's grpc_meta, TEMPORAL_GRPC_META_*). */
  metadata?: Record<string, string>;
  /** Embedded server ports. */
  grpcPort: number;
  uiPort: number;
  /** Runs kept in worker memory; the rest wait durably on the server and are replayed when they wake. */
  maxCachedWorkflows?: number;
}

/** A port number from the environment variable `name`, or `fallback` when unset; anything else is a clear error. */
export function port(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${name}=${raw} is not a port number (1-65535)`);
  return value;
}

function cacheSize(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.GENIE_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`GENIE_MAX_CACHED_WORKFLOWS=${raw} is not a whole number of runs (0 or more)`);
  return value;
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const grpcPort = port('GENIE_TEMPORAL_PORT', 7233, env);
  const profile = connectionProfile(env);
  return {
    address: profile.address,
    namespace: profile.namespace ?? 'default',
    taskQueue: env.GENIE_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    ...(profile.tls !== undefined ? { tls: profile.tls } : {}),
    ...(profile.apiKey ? { apiKey: profile.apiKey } : {}),
    ...(profile.metadata ? { metadata: profile.metadata } : {}),
    grpcPort,
    uiPort: port('GENIE_UI_PORT', grpcPort + 1000, env),
    maxCachedWorkflows: cacheSize(env),
  };
}

/** Where clients and workers connect: the configured cluster or the embedded server. */
export function effectiveAddress(settings: TemporalSettings): string {
  return settings.address ?? `127.0.0.1:${settings.grpcPort}`;
}

/** TLS, API key and headers; tls: false is passed on, since an API key alone would turn TLS on. */
export function connectionSecurity(settings: TemporalSettings): { tls?: TemporalSettings['tls']; apiKey?: string; metadata?: Record<string, string> } {
  return {
    ...(settings.tls !== undefined ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
  };
}
