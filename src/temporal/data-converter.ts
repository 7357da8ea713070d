/**
 * The one data converter every client, worker, replayer and CLI command uses: AES-256-GCM
 * encryption when a keyring exists (genie up creates one), plain JSON otherwise. With
 * encryption, failure messages and stack traces are encoded as payloads too, so they are
 * encrypted rather than stored in plaintext.
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './codec/aes-gcm-codec';
import { readKeyring } from './codec/keyring';

export function genieDataConverter(): DataConverter | undefined {
  if (process.env.GENIE_ENCRYPTION === 'off') return undefined;
  const ring = readKeyring();
  return ring ? { payloadCodecs: [new AesGcmCodec(ring)], failureConverterPath: require.resolve('./failure-converter') } : undefined;
}
