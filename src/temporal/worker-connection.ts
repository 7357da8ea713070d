/**
 * A worker's connection, from the same settings as the clients (connection.ts). Its own file:
 * @temporalio/worker costs a short CLI command (genie status) ~170 ms to load, for nothing.
 */
import { NativeConnection } from '@temporalio/worker';
import { connectionSecurity, effectiveAddress, type TemporalSettings } from './config';

export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: effectiveAddress(settings),
    ...connectionSecurity(settings),
  });
}
