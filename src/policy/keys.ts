/**
 * Ed25519 keys as people paste them: a PEM block (`-----BEGIN PUBLIC KEY-----`) or the raw
 * 32-byte key in base64 (what `genie keygen` prints for a policy file). node:crypto only.
 */
import * as crypto from 'node:crypto';

/** The public key, or an Error saying what is wrong with the text. */
export function parsePublicKey(text: string): crypto.KeyObject {
  const trimmed = text.trim();
  let key: crypto.KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      key = crypto.createPublicKey(trimmed);
    } catch (error) {
      throw new Error(`not a readable PEM public key (${(error as Error).message})`);
    }
  } else {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error('not base64 and not a PEM block');
    const raw = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (raw.length !== 32) throw new Error(`a raw Ed25519 public key is 32 bytes; this is ${raw.length}`);
    key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, not ${key.asymmetricKeyType}`);
  return key;
}

/** The raw 32-byte public key in base64: one short line for a policy file. */
export function rawPublicKey(key: crypto.KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as { x?: string };
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}
