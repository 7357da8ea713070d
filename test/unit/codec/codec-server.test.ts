/** The codec server the Web UI calls: token required (the UI origin too), CORS for the UI, the remote codec protocol. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec } from '../../../src/temporal/codec/aes-gcm-codec';
import { ensureKeyring } from '../../../src/temporal/codec/keyring';
import { startCodecServer } from '../../../src/temporal/codec/server';

describe('codec server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-codec-server-'));
  const codec = new AesGcmCodec(ensureKeyring(path.join(dir, 'keyring.json')));
  const UI = 'http://localhost:18233';
  let server: { url: string; close(): Promise<void> };
  before(async () => {
    server = await startCodecServer({ codec, token: 'codec-token-123', uiOrigins: [UI] });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function encryptedJson(value: unknown) {
    const [p] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    return {
      metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
      data: Buffer.from(p.data!).toString('base64'),
    };
  }
  const post = (body: unknown, headers: Record<string, string>) =>
    fetch(`${server.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('rejects requests without the token (and with a wrong one) with 401', async () => {
    const body = { payloads: [await encryptedJson('secret')] };
    assert.equal((await post(body, {})).status, 401);
    assert.equal((await post(body, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post(body, { origin: 'http://evil.example' })).status, 401);
  });

  it('decodes with the token, in the remote codec protocol', async () => {
    const res = await post({ payloads: [await encryptedJson({ runbook: 'hello' })] }, { authorization: 'Bearer codec-token-123' });
    assert.equal(res.status, 200);
    const { payloads } = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(payloads[0].metadata.encoding, 'base64').toString(), 'json/plain');
    assert.deepEqual(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString()), { runbook: 'hello' });
  });

  it('answers the UI origin with CORS (preflight and request), and nobody else', async () => {
    const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), UI);
    const fromUi = await post({ payloads: [await encryptedJson(1)] }, { origin: UI, authorization: 'Bearer codec-token-123' });
    assert.equal(fromUi.status, 200);
    assert.equal(fromUi.headers.get('access-control-allow-origin'), UI);
    const other = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('rejects a malformed body with 400 and the reason', async () => {
    const res = await post({ nope: true }, { authorization: 'Bearer codec-token-123' });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /payloads/);
  });
});
