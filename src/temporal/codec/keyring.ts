/**
 * Encryption keys for payloads at rest: a keyring file (GENIE_KEYRING, default
 * .genie/keyring.json, mode 0600) holding every key ever used by id and which one is
 * current. Encrypt with the current key, decrypt with whichever key a payload names, so
 * rotation never makes old runs unreadable.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write';
import { stateDir } from '../../paths';
import { GenieError } from '../../errors/genie-error';

export interface Keyring {
  current: string;
  keys: Map<string, Buffer>;
}

export class KeyringError extends GenieError {
  readonly code = 'KEYRING_INVALID';
}

export function keyringFile(): string {
  return process.env.GENIE_KEYRING || path.join(stateDir(), 'keyring.json');
}

export function readKeyring(file = keyringFile()): Keyring | undefined {
  if (!fs.existsSync(file)) return undefined;
  // Whoever can read the keyring can read every encrypted history: refuse to use a leaky one.
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new KeyringError(`keyring ${file} is readable by group or others (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  let parsed: { current?: unknown; keys?: Record<string, unknown> };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KeyringError(`keyring ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(parsed.keys ?? {})) {
    const key = Buffer.from(String(value), 'base64');
    if (key.length !== 32) throw new KeyringError(`keyring ${file}: key ${id} is ${key.length} bytes; AES-256 needs 32 (base64 of 32 random bytes)`);
    keys.set(id, key);
  }
  if (typeof parsed.current !== 'string' || !keys.has(parsed.current)) {
    throw new KeyringError(`keyring ${file}: "current" must name one of its keys (${[...keys.keys()].join(', ') || 'none'})`);
  }
  return { current: parsed.current, keys };
}

/** Creation time (sortable, readable) plus randomness: ids never collide across keyrings. */
function newKeyId(): string {
  return `k${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function write(file: string, ring: Keyring): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const json = { current: ring.current, keys: Object.fromEntries([...ring.keys].map(([id, k]) => [id, k.toString('base64')])) };
  // The new ring is written beside the old one and renamed over it: a crash mid-rotation
  // leaves the old ring, never a truncated one (which would lose every encrypted history).
  writeFileAtomic(file, JSON.stringify(json, null, 2) + '\n', { mode: 0o600 });
}

/** The keyring, created with one fresh key when there is none yet (genie up's first start). */
export function ensureKeyring(file = keyringFile()): Keyring {
  const existing = readKeyring(file);
  if (existing) return existing;
  const id = newKeyId();
  const ring = { current: id, keys: new Map([[id, randomBytes(32)]]) };
  write(file, ring);
  return ring;
}

/** Adds a new key and makes it current; old keys stay for decrypting old payloads. */
export function rotateKeyring(file = keyringFile()): Keyring {
  const ring = ensureKeyring(file);
  const id = newKeyId();
  ring.keys.set(id, randomBytes(32));
  ring.current = id;
  write(file, ring);
  return ring;
}
