/**
 * The exporter's Ed25519 key (node:crypto): created once, mode 0600, under the state
 * directory unless a file is given. Exports carry the public key and its fingerprint;
 * verifiers pin the key they trust with --pubkey.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stateDir } from '../paths';

export function defaultKeyFile(): string {
  return path.join(stateDir(), 'audit-ed25519.pem');
}

export function loadOrCreateKey(file = defaultKeyFile()): KeyObject {
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const key = createPrivateKey(fs.readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is a ${key.asymmetricKeyType} key; audit exports need Ed25519`);
  return key;
}

/** Base64 of the DER SubjectPublicKeyInfo: compact, and what --pubkey files may hold. */
export function publicKeyText(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
}

export function fingerprint(publicKey: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** A --pubkey file: PEM (as openssl writes it) or the base64 DER an export carries. */
export function readPublicKey(file: string): string {
  const text = fs.readFileSync(file, 'utf8').trim();
  const key = text.startsWith('-----') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

export function signText(privateKey: KeyObject, text: string): string {
  return sign(null, Buffer.from(text), privateKey).toString('base64');
}

export function verifyText(publicKey: string, text: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
