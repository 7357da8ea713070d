/** Runs a CLI action with a connected client, and says plainly when Temporal is not there. */
import type { Client } from '@temporalio/client';
import { effectiveAddress, temporalSettings, type TemporalSettings } from '../temporal/config';
import { connectClient } from '../temporal/connection';
import { TracingConfigError, ensureTracing, flushTracing } from '../telemetry';
import { UsageError, EXIT } from './output';

export async function withClient<T>(fn: (client: Client, settings: TemporalSettings) => Promise<T>): Promise<T> {
  const settings = temporalSettings();
  try {
    // Before connecting, so a bad GENIE_TRACE is reported as itself, not as "cannot reach Temporal".
    ensureTracing('genie');
  } catch (err) {
    if (err instanceof TracingConfigError) throw new UsageError(err.message, EXIT.badInput);
    throw err;
  }
  let client: Client;
  try {
    client = await connectClient(settings);
  } catch (err) {
    throw new UsageError(
      `cannot reach Temporal at ${effectiveAddress(settings)}: ${(err as Error).message}\n` +
        '  start it with `npm start` (or `genie up`), or set TEMPORAL_ADDRESS to your cluster.',
      EXIT.failed,
    );
  }
  try {
    return await fn(client, settings);
  } finally {
    await client.connection.close();
    // A CLI command is short-lived: its spans leave before it exits (no-op when tracing is off).
    await flushTracing().catch(() => undefined);
  }
}
