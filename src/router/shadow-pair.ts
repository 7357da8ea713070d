/**
 * Assembling shadow pairs while the exchanges run: the request's excerpt is taken when the
 * mirror is sent, each response's when it ends, and a pair goes into the ring when the
 * second of its two finishes — whichever that is. A request mirrored to several pools makes
 * one pair per shadow pool, all sharing the primary's response and one `group` number, so a
 * reader can line up (primary, candidate) with (primary, second primary) for noise
 * cancellation. Secret-bearing headers are masked here, because pairs leave the router
 * (admin API, then workflow history).
 */
import { headerObject } from './headers';
import type { CapturedRequest, CapturedResponse, ShadowRing } from './shadow-ring';

const SECRET_HEADER = /authorization|cookie|token|secret|passw|api[-_]?key|session|credential|signature/i;

export function maskedHeaders(list: readonly string[]): Record<string, string | string[]> {
  const headers = headerObject(list);
  for (const name of Object.keys(headers)) if (SECRET_HEADER.test(name)) headers[name] = '***';
  return headers;
}

/** The first `limit` bytes of a body as it streams by, and its full length. */
export class Excerpt {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  bytes = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kept >= this.limit) return;
    const take = Math.min(chunk.length, this.limit - this.kept);
    // A copy: undici may reuse the chunk's memory after onData returns.
    this.chunks.push(Buffer.from(chunk.subarray(0, take)));
    this.kept += take;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }

  get truncated(): boolean {
    return this.bytes > this.kept;
  }
}

export interface ResponseHalf {
  status: number | null;
  headers: readonly string[];
  excerpt: Excerpt;
  latencyMs: number;
  error?: string;
}

let groups = 0;

export class PendingPair {
  private primary: CapturedResponse | undefined;
  /** Shadows that answered before the primary did. */
  private waiting: CapturedResponse[] = [];
  private readonly at = new Date().toISOString();
  private readonly group = ++groups;

  constructor(
    private readonly ring: ShadowRing,
    private readonly route: string,
    private readonly request: CapturedRequest,
    readonly excerptBytes: number,
  ) {}

  completePrimary(pool: string, half: ResponseHalf): void {
    this.primary = captured(pool, half);
    for (const shadow of this.waiting) this.push(shadow);
    this.waiting = [];
  }

  /** Called once per shadow pool the request was mirrored to. */
  completeShadow(pool: string, half: ResponseHalf): void {
    const shadow = captured(pool, half);
    if (this.primary) this.push(shadow);
    else this.waiting.push(shadow);
  }

  private push(shadow: CapturedResponse): void {
    this.ring.push({ at: this.at, route: this.route, group: this.group, request: this.request, primary: this.primary!, shadow });
  }
}

export function capturedRequest(method: string, path: string, headers: readonly string[], body: Buffer | null, excerptBytes: number): CapturedRequest {
  const excerpt = new Excerpt(excerptBytes);
  if (body) excerpt.add(body);
  return { method, path, headers: maskedHeaders(headers), body: excerpt.text(), bodyBytes: excerpt.bytes, truncated: excerpt.truncated };
}

function captured(pool: string, half: ResponseHalf): CapturedResponse {
  return {
    pool,
    status: half.status,
    headers: maskedHeaders(half.headers),
    body: half.excerpt.text(),
    bodyBytes: half.excerpt.bytes,
    truncated: half.excerpt.truncated,
    latencyMs: Math.round(half.latencyMs * 1000) / 1000,
    ...(half.error ? { error: half.error } : {}),
  };
}
