/**
 * Where and how to connect, read the way Temporal's own tools read it (@temporalio/envconfig):
 * a profile (TEMPORAL_PROFILE, default "default") from a TOML config file
 * (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; none is fine), with the
 * TEMPORAL_* variables (ADDRESS, NAMESPACE, API_KEY, TLS, TLS_*) over it, field by field.
 * A profile with no address leaves Genie on its embedded dev server, as before.
 */
import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';

export interface ConnectionProfile {
  address?: string;
  namespace?: string;
  apiKey?: string;
  /** false: TLS explicitly off (TEMPORAL_TLS=false, or `disabled = true` in the profile), even with an API key. */
  tls?: ConnectionOptions['tls'];
  /** gRPC headers from the profile's grpc_meta and TEMPORAL_GRPC_META_* variables. */
  metadata?: Record<string, string>;
}

const TLS_WORDS: Record<string, string> = { true: 'true', '1': 'true', false: 'false', '0': 'false' };

/**
 * The environment as envconfig should see it. An empty variable has always meant "unset" to
 * Genie (TEMPORAL_ADDRESS= still starts the embedded server), so empty ones are dropped
 * rather than overriding the profile with "". TEMPORAL_TLS is held to true/false/1/0: envconfig
 * reads any other word as "off", and TEMPORAL_TLS=yes must not send an API key in the clear.
 */
function envForProfile(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // Empty gRPC meta is envconfig's way to remove a header the file sets; keep it.
    if (value !== undefined && (value !== '' || name.startsWith('TEMPORAL_GRPC_META_'))) out[name] = value;
  }
  if (out.TEMPORAL_TLS !== undefined) {
    const word = TLS_WORDS[out.TEMPORAL_TLS.trim().toLowerCase()];
    if (!word) throw new Error(`TEMPORAL_TLS=${out.TEMPORAL_TLS}: write true or false`);
    out.TEMPORAL_TLS = word;
  }
  return out;
}

function loadProfile(env: Record<string, string>): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ overrideEnvVars: env });
  } catch (err) {
    const file = env.TEMPORAL_CONFIG_FILE ?? 'the default temporal.toml';
    throw new Error(`cannot load the Temporal connection profile from ${file}: ${(err as Error).message}`);
  }
}

export function connectionProfile(env: NodeJS.ProcessEnv = process.env): ConnectionProfile {
  const profile = loadProfile(envForProfile(env));
  // envconfig drops a half pair silently; a certificate without its key is a mistake to report.
  if (Boolean(profile.tls?.clientCert) !== Boolean(profile.tls?.clientKey)) {
    throw new Error("set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or a profile's client_cert_* and client_key_*), or neither");
  }
  const { namespace, connectionOptions } = toClientOptions(profile);
  const { address, apiKey, tls } = connectionOptions;
  const metadata = profile.grpcMeta;
  return {
    ...(address ? { address } : {}),
    ...(namespace ? { namespace } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(tls !== undefined ? { tls: typeof tls === 'object' && tls ? withoutUndefined(tls) : tls } : {}),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
