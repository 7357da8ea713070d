/**
 * The codec server the Temporal Web UI calls to show encrypted payloads decoded (Temporal's
 * remote codec protocol: POST /decode and /encode with {"payloads": [...]} in proto JSON).
 *
 * Who may call it: a request with `Authorization: Bearer <GENIE_CODEC_TOKEN>`; or, when the
 * server is started for a local UI (genie up), a browser request from that UI's origin —
 * the browser sets Origin and enforces CORS, and the server listens on loopback only, the
 * same trust boundary as the dev UI itself. Anything else gets 401.
 */
import { timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  token?: string;
  /** Web UI origins allowed without a token (e.g. http://localhost:8233). */
  uiOrigins?: string[];
  host?: string;
  port?: number;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const MAX_BODY = 8 * 1024 * 1024;

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function startCodecServer(opts: CodecServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    const fromUi = origin !== undefined && (opts.uiOrigins ?? []).includes(origin);
    if (fromUi) {
      res.setHeader('Access-Control-Allow-Origin', origin!);
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(fromUi ? 204 : 403).end();
    if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (!fromUi && !tokenMatches(req.headers.authorization, opts.token)) {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'a bearer token is required (GENIE_CODEC_TOKEN)' }));
    }
    const action = req.url?.split('?')[0];
    if (req.method !== 'POST' || (action !== '/decode' && action !== '/encode')) {
      return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'POST /decode or /encode' }));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: JsonPayload[] };
        if (!Array.isArray(body.payloads)) throw new Error('body must be {"payloads": [...]}');
        const payloads = body.payloads.map(fromJson);
        const out = action === '/decode' ? await opts.codec.decode(payloads) : await opts.codec.encode(payloads);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
