/**
 * Observer keys (Ed25519, node:crypto) and the key ring that verifies their verdicts.
 *
 * A key is created once per process per observer id and never leaves it: verdicts carry
 * only signatures, and the key ring holds only public keys, which are what the evidence
 * records so anyone can re-verify a decision or an equivocation proof later.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes, type SignedVerdict, type Verdict } from './verdict';

export class ObserverKey {
  private constructor(
    readonly observerId: string,
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  /** A fresh key pair: for tests that need a key the process cache must not share. */
  static generate(observerId: string): ObserverKey {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return new ObserverKey(observerId, privateKey, publicKey);
  }

  sign(v: Verdict): SignedVerdict {
    return { ...v, signature: sign(null, canonicalBytes(v), this.privateKey).toString('base64') };
  }

  /** The public key as base64 DER (SPKI): short enough for history, and what createPublicKey reads back. */
  publicKeyText(): string {
    return exportPublicKey(this.publicKey);
  }
}

const processKeys = new Map<string, ObserverKey>();

/** The observer's key for this process: created on first use, the same one afterwards. */
export function observerKey(observerId: string): ObserverKey {
  let key = processKeys.get(observerId);
  if (!key) processKeys.set(observerId, (key = ObserverKey.generate(observerId)));
  return key;
}

export function exportPublicKey(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

export function importPublicKey(text: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an observer public key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/** What verifying signatures cost so far (read, then diff, to get the cost of one decision). */
export interface VerifyMeter {
  verifications: number;
  nanos: bigint;
}

/** The public keys of the known observers; verifies signatures and meters the time it takes. */
export class KeyRing {
  private readonly keys = new Map<string, KeyObject>();
  readonly meter: VerifyMeter = { verifications: 0, nanos: 0n };

  constructor(entries: Iterable<readonly [string, KeyObject | string]> = []) {
    for (const [id, key] of entries) this.add(id, key);
  }

  static of(keys: Iterable<ObserverKey>): KeyRing {
    return new KeyRing([...keys].map((k) => [k.observerId, k.publicKey] as const));
  }

  add(observerId: string, key: KeyObject | string): void {
    this.keys.set(observerId, typeof key === 'string' ? importPublicKey(key) : key);
  }

  has(observerId: string): boolean {
    return this.keys.has(observerId);
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }

  /** Public keys as base64 SPKI by observer: what evidence records. */
  publicKeys(): Record<string, string> {
    return Object.fromEntries([...this.keys].map(([id, k]) => [id, exportPublicKey(k)]));
  }

  /** True only for a well-formed signature by the named observer's key over exactly these fields. */
  verify(v: SignedVerdict): boolean {
    const key = this.keys.get(v.observerId);
    if (!key || typeof v.signature !== 'string') return false;
    const started = process.hrtime.bigint();
    try {
      const signature = Buffer.from(v.signature, 'base64');
      return signature.length === 64 && verify(null, canonicalBytes(v), key, signature);
    } catch {
      return false;
    } finally {
      this.meter.verifications += 1;
      this.meter.nanos += process.hrtime.bigint() - started;
    }
  }
}
