/**
 * The one data converter every client, worker, replayer and CLI command uses: AES-256-GCM
 * encryption when a keyring exists (genie up creates one), plain JSON otherwise.
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './codec/aes-gcm-codec';
import { readKeyring } from './codec/keyring';

export function genieDataConverter(): DataConverter | undefined {
  if (process.env.GENIE_ENCRYPTION === 'off') return undefined;
  const ring = readKeyring();
  return ring ? { payloadCodecs: [new AesGcmCodec(ring)] } : undefined;
}
