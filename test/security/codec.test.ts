/**
 * Issue 12 item 5: the real codec server decrypts only for the bearer token. The UI's Origin
 * is a header anyone can send (curl, a runbook's http.request), so it grants nothing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec } from '../../src/temporal/codec/aes-gcm-codec';
import { ensureKeyring } from '../../src/temporal/codec/keyring';
import { startCodecServer } from '../../src/temporal/codec/server';

describe('security: codec server authentication', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-codec-sec-'));
  const codec = new AesGcmCodec(ensureKeyring(path.join(dir, 'keyring.json')));
  const UI = 'http://localhost:18234';
  const TOKEN = 'codec-security-token-0123456789';
  let server: { url: string; close(): Promise<void> };
  before(async () => {
    server = await startCodecServer({ codec, token: TOKEN, uiOrigins: [UI] });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function body() {
    const [p] = await codec.encode([defaultPayloadConverter.toPayload('top secret payload')]);
    return JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
          data: Buffer.from(p.data!).toString('base64'),
        },
      ],
    });
  }
  const decode = async (headers: Record<string, string>) =>
    fetch(`${server.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: await body() });

  it("no token → 401, even with the UI's Origin (fails on 63c09f6: the Origin alone decrypted)", async () => {
    const res = await decode({ origin: UI });
    assert.equal(res.status, 401);
    assert.ok(!(await res.text()).includes('top secret payload'));
  });

  it('a wrong token of the same or of a different length → 401; the right one → 200 with the plaintext', async () => {
    const sameLength = TOKEN.slice(0, -1) + (TOKEN.endsWith('9') ? '8' : '9');
    assert.equal(sameLength.length, TOKEN.length);
    for (const wrong of [sameLength, 'short', TOKEN + 'x', ''])
      assert.equal((await decode({ authorization: `Bearer ${wrong}`, origin: UI })).status, 401, `token ${JSON.stringify(wrong)}`);
    const ok = await decode({ authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    const [p] = ((await ok.json()) as { payloads: { data: string }[] }).payloads;
    assert.equal(JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')), 'top secret payload');
  });

  it('CORS headers go only to the configured origin, and never replace the token', async () => {
    const fromUi = await decode({ authorization: `Bearer ${TOKEN}`, origin: UI });
    assert.equal(fromUi.headers.get('access-control-allow-origin'), UI);
    const fromElsewhere = await decode({ authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' });
    assert.equal(fromElsewhere.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('with no token configured every request is refused, UI origin or not (fails on 63c09f6)', async () => {
    const open = await startCodecServer({ codec, uiOrigins: [UI] });
    try {
      const res = await fetch(`${open.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', origin: UI }, body: await body() });
      assert.equal(res.status, 401);
    } finally {
      await open.close();
    }
  });

  it('the Web UI is authorized by its secret endpoint path (it cannot send a bearer token); a wrong or missing path segment → 401', async () => {
    const CAPABILITY = 'ui-capability-abcdefghijklmnopqrstuvwxyz';
    const s = await startCodecServer({ codec, uiOrigins: [UI], uiPathToken: CAPABILITY });
    try {
      assert.equal(s.uiUrl, `${s.url}/${CAPABILITY}`);
      const post = async (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: UI }, body: await body() });
      const ok = await post(`${s.uiUrl}/decode`);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), UI);
      for (const wrong of [
        `${s.url}/decode`,
        `${s.url}/${CAPABILITY.slice(0, -1)}x/decode`,
        `${s.url}/${CAPABILITY}x/decode`,
        `${s.url}/x/${CAPABILITY}/decode`,
      ]) {
        assert.equal((await post(wrong)).status, 401, wrong);
      }
    } finally {
      await s.close();
    }
  });

  it('binds to loopback by default', async () => {
    const s = await startCodecServer({ codec, token: TOKEN });
    try {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(s.url).port);
      const nonLoopback = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (nonLoopback) {
        await assert.rejects(fetch(`http://${nonLoopback.address}:${port}/health`, { signal: AbortSignal.timeout(2000) }));
      }
    } finally {
      await s.close();
    }
  });
});
