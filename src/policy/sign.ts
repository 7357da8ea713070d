/**
 * The operator's side: reading a key file and signing an override (CLI). A key file is the
 * PEM Ed25519 private key `genie keygen` writes, or an HMAC secret (any other text, e.g.
 * from `genie keygen --hmac`). Key files must be private to their owner (0600).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { checkPrivate } from '../secrets/file-mode';
import { SecretProviderError } from '../secrets/provider';
import { signedPayload, startPayload } from './canonical';
import type { OverrideAuth } from './types';

export type SigningKey = { alg: 'ed25519'; key: crypto.KeyObject } | { alg: 'hmac-sha256'; secret: Buffer };

export function readKeyFile(file: string): SigningKey {
  let text: string;
  try {
    checkPrivate(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof SecretProviderError) throw new Error(`key file ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code ? `cannot read key file ${file}: ${code}${code === 'ENOENT' ? ' (create one with genie keygen --as <you>)' : ''}` : (error as Error).message,
    );
  }
  if (text.includes('PRIVATE KEY-----')) {
    let key: crypto.KeyObject;
    try {
      key = crypto.createPrivateKey(text);
    } catch (error) {
      throw new Error(`key file ${file} holds an unreadable private key: ${(error as Error).message}`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`key file ${file} holds a ${key.asymmetricKeyType} key; Genie signs with Ed25519 (genie keygen)`);
    return { alg: 'ed25519', key };
  }
  const secret = text.trim();
  if (secret.length < 16) throw new Error(`key file ${file} is neither an Ed25519 private key nor an HMAC secret of at least 16 characters`);
  return { alg: 'hmac-sha256', secret: Buffer.from(secret, 'utf8') };
}

export function signOverride(
  key: SigningKey,
  action: string,
  workflowId: string,
  args: Record<string, unknown>,
  opts: { keyId: string; runId: string; now?: Date; nonce?: string },
): OverrideAuth {
  const unsigned = {
    keyId: opts.keyId,
    runId: opts.runId,
    issuedAt: (opts.now ?? new Date()).toISOString(),
    nonce: opts.nonce ?? crypto.randomBytes(16).toString('hex'),
  };
  const payload = signedPayload(action, workflowId, args, unsigned);
  const signature =
    key.alg === 'ed25519' ? crypto.sign(null, payload, key.key).toString('base64') : crypto.createHmac('sha256', key.secret).update(payload).digest('base64');
  return { ...unsigned, signature, alg: key.alg };
}

/** Signs a start request (`genie run --key`): what startPayload covers, under its own domain tag. */
export function signStart(
  key: SigningKey,
  fields: { workflowId: string; runbook: string; params: Record<string, unknown>; requestedBy: string },
  opts: { now?: Date; nonce?: string } = {},
): OverrideAuth {
  const unsigned = { keyId: fields.requestedBy, issuedAt: (opts.now ?? new Date()).toISOString(), nonce: opts.nonce ?? crypto.randomBytes(16).toString('hex') };
  const payload = startPayload(fields, unsigned);
  const signature =
    key.alg === 'ed25519' ? crypto.sign(null, payload, key.key).toString('base64') : crypto.createHmac('sha256', key.secret).update(payload).digest('base64');
  return { ...unsigned, signature, alg: key.alg };
}
