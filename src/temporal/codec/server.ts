/**
 * The codec server the Temporal Web UI calls to show encrypted payloads decoded (Temporal's
 * remote codec protocol: POST /decode and /encode with {"payloads": [...]} in proto JSON).
 *
 * Who may call it: a request with `Authorization: Bearer <GENIE_CODEC_TOKEN>`, or one under
 * the UI's capability path (`/<uiPathToken>/decode`). The Temporal Web UI cannot send a
 * static bearer token (it can pass only its own OIDC login's token), but the remote codec
 * protocol routes on the URL's last segment, so `genie up` gives the UI an endpoint URL with
 * a random secret segment, fresh each start: whoever can read the UI's settings can decode,
 * which is no more than whoever can open the UI could already see. The `Origin` header proves nothing (curl, or a runbook's http.request, sets any Origin it
 * likes), so CORS headers are sent for the configured UI origins only to let that browser UI
 * read the answer — never in place of the token. No token configured: every request is 401.
 * Listens on loopback unless told otherwise.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { readBody } from '../../http/read-body';

export interface CodecServerOptions {
  codec: PayloadCodec;
  token?: string;
  /** Secret first path segment that authorizes the Web UI (which cannot send a bearer token). */
  uiPathToken?: string;
  /** Web UI origins that get CORS headers (e.g. http://localhost:8233); they still need the token. */
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

/** Compared as sha256 digests: equal lengths whatever was sent, so the time taken says nothing about the secret's length or prefix. */
function secretMatches(given: string, secret: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  return !!token && !!header?.startsWith('Bearer ') && secretMatches(header.slice('Bearer '.length), token);
}

/** `/decode` for a bearer-token caller; `/<uiPathToken>/decode` for the UI; undefined when neither authorizes. */
function authorizedAction(req: http.IncomingMessage, opts: CodecServerOptions): string | undefined {
  const path = req.url?.split('?')[0] ?? '';
  if (tokenMatches(req.headers.authorization, opts.token)) return path;
  const match = /^\/([^/]+)(\/[^/]*)$/.exec(path);
  if (opts.uiPathToken && match && secretMatches(match[1]!, opts.uiPathToken)) return match[2];
  return undefined;
}

/** A body beyond MAX_BODY cuts the connection (the reader stops there): nothing is decoded. */
async function transform(req: http.IncomingMessage, res: http.ServerResponse, action: '/decode' | '/encode', codec: PayloadCodec): Promise<void> {
  let read;
  try {
    read = await readBody(req, { maxBytes: MAX_BODY });
  } catch {
    return; // the client went away mid-body: nobody to answer
  }
  if (read.truncated) return;
  try {
    const body = JSON.parse(read.text) as { payloads?: JsonPayload[] };
    if (!Array.isArray(body.payloads)) throw new Error('body must be {"payloads": [...]}');
    const payloads = body.payloads.map(fromJson);
    const out = action === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
  } catch (err) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
  }
}

export function startCodecServer(opts: CodecServerOptions): Promise<{ url: string; uiUrl?: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    const corsAllowed = origin !== undefined && (opts.uiOrigins ?? []).includes(origin);
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin!);
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(corsAllowed ? 204 : 403).end();
    if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    const action = authorizedAction(req, opts);
    if (action === undefined) {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'a bearer token is required (GENIE_CODEC_TOKEN)' }));
    }
    if (req.method !== 'POST' || (action !== '/decode' && action !== '/encode')) {
      return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'POST /decode or /encode' }));
    }
    void transform(req, res, action, opts.codec);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}`;
      resolve({ url, ...(opts.uiPathToken ? { uiUrl: `${url}/${opts.uiPathToken}` } : {}), close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
