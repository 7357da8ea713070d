/** Small helpers of the admin API: reading a capped body, answering JSON, reading query flags. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/read-body';
import { BadRequestError, RouterError } from './errors';

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, error: RouterError): void {
  sendJson(res, error.httpStatus, error.toJSON());
}

/** The body as text; 413 beyond `limit` bytes. */
export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  const { text, truncated } = await readBody(req, { maxBytes: limit });
  if (truncated) throw new RouterError('BODY_TOO_LARGE', `the body is larger than ${limit} bytes`, 413);
  return text;
}

/** The body parsed as a JSON object. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = await readText(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch (error) {
    throw new BadRequestError(`the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('the body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * The version a change expects, from `If-Match: "7"` (or 7), `?expectVersion=7`, or the body's
 * `expectVersion`; undefined when none was given (an unconditional change).
 */
export function expectedVersion(req: IncomingMessage, query: URLSearchParams, body?: Record<string, unknown>): number | undefined {
  const candidates: unknown[] = [req.headers['if-match']?.replace(/^W\//, '').replace(/"/g, ''), query.get('expectVersion') ?? undefined, body?.expectVersion];
  for (const c of candidates) {
    if (c === undefined || c === null || c === '') continue;
    const n = typeof c === 'number' ? c : Number(c);
    if (!Number.isInteger(n) || n < 1) throw new BadRequestError(`expectVersion must be a positive integer, not ${JSON.stringify(c)}`);
    return n;
  }
  return undefined;
}

export function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && v !== 'false' && v !== '0';
}

export function positiveInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`${name} must be a non-negative integer, not ${JSON.stringify(v)}`);
  return n;
}
