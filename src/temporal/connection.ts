/** Clients and worker connections built from one set of settings, so they never disagree. */
import { Client, Connection } from '@temporalio/client';
import { connectionSecurity, effectiveAddress, type TemporalSettings } from './config';
import { genieDataConverter } from './data-converter';
import { ensureTracing } from '../telemetry';

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({
    address: effectiveAddress(settings),
    ...connectionSecurity(settings),
  });
  const dataConverter = genieDataConverter();
  // Tracing (GENIE_TRACE, OTEL_EXPORTER_OTLP_ENDPOINT): a span per start, signal, query, update; none when off.
  const tracing = ensureTracing('genie');
  return new Client({
    connection,
    namespace: settings.namespace,
    ...(dataConverter ? { dataConverter } : {}),
    ...(tracing ? { interceptors: tracing.clientInterceptors() } : {}),
  });
}
