/** Payload encryption: round trip, key ids, rotation, tampering, and payloads from before encryption. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING } from '../../../src/temporal/codec/aes-gcm-codec';
import { ensureKeyring, readKeyring, rotateKeyring } from '../../../src/temporal/codec/keyring';

describe('AES-256-GCM payload codec and keyring', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-codec-'));
    file = path.join(dir, 'keyring.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const text = (b?: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

  it('creates a private keyring once and reuses it', () => {
    const first = ensureKeyring(file);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(first.keys.get(first.current)!.length, 32);
    const again = ensureKeyring(file);
    assert.equal(again.current, first.current);
    assert.deepEqual(again.keys.get(again.current), first.keys.get(first.current));
  });

  it('encrypts so that no plaintext remains, and decrypts back exactly', async () => {
    const codec = new AesGcmCodec(ensureKeyring(file));
    const plain = defaultPayloadConverter.toPayload({ runbook: 'hello', token: 'very-secret-value' });
    const [sealed] = await codec.encode([plain]);
    assert.equal(text(sealed.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.ok(!Buffer.from(sealed.data!).toString('latin1').includes('very-secret-value'));
    const [opened] = await codec.decode([sealed]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened), { runbook: 'hello', token: 'very-secret-value' });
  });

  it('after rotation, old payloads still decrypt and new ones use the new key', async () => {
    const old = new AesGcmCodec(ensureKeyring(file));
    const [before] = await old.encode([defaultPayloadConverter.toPayload('before rotation')]);
    const ring = rotateKeyring(file);
    assert.equal(ring.keys.size, 2);
    const codec = new AesGcmCodec(readKeyring(file)!);
    const [after] = await codec.encode([defaultPayloadConverter.toPayload('after rotation')]);
    assert.equal(text(after.metadata!['encryption-key-id']), ring.current);
    assert.notEqual(text(before.metadata!['encryption-key-id']), ring.current);
    const decoded = await codec.decode([before, after]);
    assert.deepEqual(
      decoded.map((p) => defaultPayloadConverter.fromPayload(p)),
      ['before rotation', 'after rotation'],
    );
  });

  it('refuses tampered ciphertext and names a missing key', async () => {
    const codec = new AesGcmCodec(ensureKeyring(file));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const flipped = { ...sealed, data: Uint8Array.from(sealed.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await assert.rejects(codec.decode([flipped]));
    const stranger = new AesGcmCodec(ensureKeyring(path.join(dir, 'other.json')));
    await assert.rejects(stranger.decode([sealed]), /not in the keyring/);
  });

  it('passes payloads from before encryption through unchanged', async () => {
    const codec = new AesGcmCodec(ensureKeyring(file));
    const plain = defaultPayloadConverter.toPayload({ legacy: true });
    assert.deepEqual(await codec.decode([plain]), [plain]);
  });
});
