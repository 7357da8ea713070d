/**
 * Headers across the proxy (RFC 9110 §7.6.1): hop-by-hop headers describe one connection
 * and are dropped in both directions, along with any header the Connection header names.
 * Upstream requests carry X-Forwarded-For (appended), X-Forwarded-Host and
 * X-Forwarded-Proto; the Host header becomes the upstream's own, as nginx's proxy_pass does.
 */

/** Dropped from requests: hop-by-hop, plus what undici sets itself or refuses (host, expect). */
const REQUEST_DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'expect',
  'host',
  'x-forwarded-host',
  'x-forwarded-proto',
]);
const RESPONSE_DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authenticate']);

export interface UpstreamRequestHeaders {
  /** Flat list (name, value, name, value...) for undici. */
  list: string[];
  /** The client's Host header, as sent. */
  host: string | undefined;
  /** Whether the request has a body (a content-length above 0, or chunked). */
  hasBody: boolean;
  /** The declared content-length, or -1 (chunked or none). */
  contentLength: number;
}

/** From Node's `req.rawHeaders` to what goes upstream, in one pass. */
export function upstreamRequestHeaders(raw: readonly string[], clientAddress: string | undefined, proto = 'http'): UpstreamRequestHeaders {
  const list: string[] = [];
  let host: string | undefined;
  let forwardedFor: string | undefined;
  let connection: string | undefined;
  let contentLength = -1;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    const value = raw[i + 1];
    if (lower === 'content-length') contentLength = Number(value);
    else if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
      continue;
    } else if (REQUEST_DROPPED.has(lower)) {
      if (lower === 'host') host = value;
      else if (lower === 'connection') connection = value;
      else if (lower === 'transfer-encoding') chunked = true;
      continue;
    }
    list.push(name, value);
  }
  if (connection) dropNamedIn(list, connection);
  const client = clientAddress ?? 'unknown';
  list.push('x-forwarded-for', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`);
  if (host !== undefined) list.push('x-forwarded-host', host);
  list.push('x-forwarded-proto', proto);
  return { list, host, hasBody: chunked || contentLength > 0, contentLength: chunked ? -1 : contentLength };
}

/** From undici's raw response headers to the flat list `res.writeHead` takes. */
export function downstreamResponseHeaders(raw: readonly Buffer[]): string[] {
  const list: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1');
    const value = raw[i + 1].toString('latin1');
    const lower = name.toLowerCase();
    if (RESPONSE_DROPPED.has(lower)) {
      if (lower === 'connection') connection = value;
      continue;
    }
    list.push(name, value);
  }
  if (connection) dropNamedIn(list, connection);
  return list;
}

/** `Connection: close, X-Trace` makes X-Trace hop-by-hop too. */
function dropNamedIn(list: string[], connection: string): void {
  // The usual values name no header: skip the parsing on the hot path.
  const plain = connection.length <= 10 ? connection.toLowerCase() : '';
  if (plain === 'keep-alive' || plain === 'close') return;
  const named = new Set(
    connection
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t && t !== 'close' && t !== 'keep-alive'),
  );
  if (named.size === 0) return;
  for (let i = list.length - 2; i >= 0; i -= 2) if (named.has(list[i].toLowerCase())) list.splice(i, 2);
}

/** A header map from a flat list, for captures (values of repeated names become arrays). */
export function headerObject(list: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i].toLowerCase();
    const existing = out[name];
    out[name] = existing === undefined ? list[i + 1] : Array.isArray(existing) ? [...existing, list[i + 1]] : [existing, list[i + 1]];
  }
  return out;
}
