/** Clients and worker connections built from one set of settings, so they never disagree. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { effectiveAddress, type TemporalSettings } from './config';
import { genieDataConverter } from './data-converter';
import { ensureTracing } from '../telemetry';

/** TLS, API key and headers; tls: false is passed on, since an API key alone would turn TLS on. */
function connectionSecurity(settings: TemporalSettings): { tls?: TemporalSettings['tls']; apiKey?: string; metadata?: Record<string, string> } {
  return {
    ...(settings.tls !== undefined ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
  };
}

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({
    address: effectiveAddress(settings),
    ...connectionSecurity(settings),
  });
  const dataConverter = genieDataConverter();
  // Tracing (GENIE_TRACE, OTEL_EXPORTER_OTLP_ENDPOINT): a span per start, signal, query, update; none when off.
  const tracing = ensureTracing('genie');
  return new Client({
    connection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}),
    ...(tracing ? { interceptors: tracing.clientInterceptors() } : {}),
  });
}

export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: effectiveAddress(settings),
    ...connectionSecurity(settings),
  });
}
