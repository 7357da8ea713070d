/**
 * `http.request`: one HTTP exchange with optional expectations (status, body text, a JSONata
 * query over the JSON body, latency). An unmet expectation fails the step retryably, since
 * the target may recover; the step's retry policy decides how long to keep asking.
 * Redirects are not followed: a probe should see the 301 its target answers.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ACTIVITY_EXPRESSION_BUDGET, compileBudgeted, evaluateBudgeted } from '../src/dsl/expression-budget';
import { ApplicationFailure } from '@temporalio/activity';
import jsonata from 'jsonata';
import { defineAction } from './action';
import { cancellationError, cancellationSignal, timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { maskHeaders, redact, safeUrl, secretValues } from '../src/secrets/masking';
import { Duration } from '../src/dsl/types';
import { HttpAbortedError, HttpArgumentError, HttpBreakerOpenError, HttpClientError, httpRequest, parseHttpUrl, type HttpMethod } from '../src/http/client';
import { badArgument } from '../src/temporal/failures';

const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** What a result carries of a non-JSON (or oversized) body: history is not a blob store. */
export const RESULT_BODY_BYTES = 64 * 1024;
/** What expectations may look at; bigger bodies are cut here. */
const READ_BODY_BYTES = 1024 * 1024;
/** What a failure's details carry of the body: enough to see the error page. */
const DETAIL_BODY_BYTES = 4 * 1024;

/** 200, "200", "2xx" (200-299) or "20x" (200-209). */
const StatusPattern = Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^[1-5]([0-9]{2}|[0-9]x|xx)$' })]);

export const HttpExpect = Type.Object(
  {
    status: Type.Optional(Type.Union([StatusPattern, Type.Array(StatusPattern, { minItems: 1 })], { description: '200, "2xx", or a list of either' })),
    bodyContains: Type.Optional(Type.String({ minLength: 1 })),
    jsonPath: Type.Optional(
      Type.Object(
        {
          path: Type.String({ minLength: 1, description: 'JSONata over the parsed body, without {% %}: status, items[0].ok' }),
          equals: Type.Optional(Type.Unknown({ description: 'The value must equal this (deep, JSON equality)' })),
          exists: Type.Optional(Type.Boolean({ description: 'The value must (true, the default without equals) or must not exist' })),
        },
        { additionalProperties: false },
      ),
    ),
    maxLatencyMs: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const request = defineAction({
  name: 'http.request',
  description: 'Sends one HTTP request and checks optional expectations; ok is true for a 2xx status.',
  args: Type.Object(
    {
      method: Type.Optional(
        Type.Union(
          METHODS.map((m) => Type.Literal(m)),
          { default: 'GET' },
        ),
      ),
      url: Type.String({ minLength: 1 }),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      body: Type.Optional(Type.Unknown({ description: 'A string is sent as is; anything else as JSON with content-type application/json' })),
      timeout: Type.Optional(Duration),
      expect: Type.Optional(HttpExpect),
      /** Health probes rarely need the page: without it, history keeps only status, headers and latency. */
      captureBody: Type.Optional(Type.Boolean({ default: true, description: 'Return the response body in the result (default true)' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 3, initialInterval: '1s' } },
  run: async (args) => {
    const method = args.method ?? 'GET';
    if (!METHODS.includes(method)) throw badArgument(`method must be one of ${METHODS.join(', ')}, not ${String(method)}`);
    const url = checkedUrl(args.url);
    const headers = stringHeaders(args.headers);
    const timeoutMs = timeBudgetMs(timeoutArg(args.timeout), 30_000, 1_000);
    let body: string | undefined;
    if (typeof args.body === 'string') body = args.body;
    else if (args.body !== undefined) {
      body = JSON.stringify(args.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }

    const signal = cancellationSignal();
    const response = await withHeartbeat(
      httpRequest({ method, url, headers, body, timeoutMs, signal, maxBodyBytes: READ_BODY_BYTES }).catch((error: unknown) => {
        throw httpFailure(error, method, url, timeoutMs, signal);
      }),
    );

    // A server that echoes the request (or a debug page) must not carry our credentials into history.
    const text = redact(response.body, secretValues(headers));
    const result = {
      status: response.status,
      headers: maskHeaders(response.headers),
      ...(args.captureBody === false ? {} : resultBody(text, String(response.headers['content-type'] ?? ''), response.truncated)),
      latencyMs: response.latencyMs,
      ok: response.status >= 200 && response.status < 300,
    };
    if (args.expect) {
      const failures = await checkExpectations(args.expect, response.status, text, response.latencyMs);
      if (failures.length > 0) {
        throw ApplicationFailure.create({
          type: 'HTTP_EXPECTATION_FAILED',
          message: `${method} ${safeUrl(url)}: ${failures.map((f) => f.message).join('; ')}`,
          nonRetryable: false,
          details: [{ method, url: safeUrl(url), status: response.status, latencyMs: response.latencyMs, failures, body: cut(text, DETAIL_BODY_BYTES).text }],
        });
      }
    }
    return result;
  },
});

export type HttpExpectation = Static<typeof HttpExpect>;
export interface ExpectationFailure {
  expectation: 'status' | 'bodyContains' | 'jsonPath' | 'maxLatencyMs';
  expected: unknown;
  actual: unknown;
  message: string;
}

/** Every unmet expectation, not just the first: a probe's failure should say all that is wrong. */
export async function checkExpectations(expect: HttpExpectation, status: number, body: string, latencyMs: number): Promise<ExpectationFailure[]> {
  const failures: ExpectationFailure[] = [];
  if (expect.status !== undefined) {
    const patterns = Array.isArray(expect.status) ? expect.status : [expect.status];
    if (!patterns.some((p) => statusMatches(p, status))) {
      failures.push({ expectation: 'status', expected: expect.status, actual: status, message: `expected status ${patterns.join(' or ')}, got ${status}` });
    }
  }
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    failures.push({
      expectation: 'bodyContains',
      expected: expect.bodyContains,
      actual: cut(body, 256).text,
      message: `body does not contain ${JSON.stringify(expect.bodyContains)}`,
    });
  }
  if (expect.jsonPath) {
    const failure = await checkJsonPath(expect.jsonPath, body);
    if (failure) failures.push(failure);
  }
  if (expect.maxLatencyMs !== undefined && latencyMs > expect.maxLatencyMs) {
    failures.push({
      expectation: 'maxLatencyMs',
      expected: expect.maxLatencyMs,
      actual: latencyMs,
      message: `latency ${latencyMs}ms exceeds ${expect.maxLatencyMs}ms`,
    });
  }
  return failures;
}

function statusMatches(pattern: number | string, status: number): boolean {
  const text = String(pattern).toLowerCase();
  if (!/^[1-5]([0-9]{2}|[0-9]x|xx)$/.test(text)) throw badArgument(`expect.status ${JSON.stringify(pattern)} is not a status; write 200, "2xx" or "20x"`);
  return [...text].every((c, i) => c === 'x' || c === String(status)[i]);
}

async function checkJsonPath(spec: NonNullable<HttpExpectation['jsonPath']>, body: string): Promise<ExpectationFailure | undefined> {
  let expression: jsonata.Expression;
  try {
    // Bounded, so a runaway expression cannot hold the worker's event loop.
    expression = compileBudgeted(jsonata, spec.path, ACTIVITY_EXPRESSION_BUDGET);
  } catch (error) {
    throw badArgument(`expect.jsonPath.path ${JSON.stringify(spec.path)} is not JSONata: ${(error as Error).message}`);
  }
  const fail = (expected: unknown, actual: unknown, why: string): ExpectationFailure => ({
    expectation: 'jsonPath',
    expected,
    actual,
    message: `jsonPath ${spec.path} ${why}`,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fail(spec, cut(body, 256).text, 'cannot be checked: the body is not JSON');
  }
  let value: unknown;
  try {
    // A JSON round trip turns JSONata's sequences into plain arrays before comparing.
    const raw: unknown = await evaluateBudgeted(expression, spec.path, ACTIVITY_EXPRESSION_BUDGET, parsed);
    value = raw === undefined ? undefined : JSON.parse(JSON.stringify(raw));
  } catch (error) {
    return fail(spec, undefined, `failed to evaluate: ${(error as Error).message}`);
  }
  const shown = preview(value);
  if ('equals' in spec && spec.equals !== undefined) {
    if (!jsonEqual(value, spec.equals)) return fail(spec.equals, shown, `is ${JSON.stringify(shown) ?? 'undefined'}, expected ${JSON.stringify(spec.equals)}`);
    return undefined;
  }
  const mustExist = spec.exists ?? true;
  if (mustExist && value === undefined) return fail({ exists: true }, undefined, 'does not exist');
  if (!mustExist && value !== undefined) return fail({ exists: false }, shown, `exists (${JSON.stringify(shown)})`);
  return undefined;
}

/** Equality of JSON values, ignoring key order. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a),
    kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Parsed JSON when the server says JSON and it fits; otherwise text, cut to RESULT_BODY_BYTES. */
function resultBody(text: string, contentType: string, readTruncated: boolean): { body: unknown; truncated: boolean } {
  if (/json/i.test(contentType) && !readTruncated && Buffer.byteLength(text) <= RESULT_BODY_BYTES) {
    try {
      return { body: JSON.parse(text), truncated: false };
    } catch {
      // Claims JSON but is not: hand back the text, which is what is there.
    }
  }
  const { text: body, truncated } = cut(text, RESULT_BODY_BYTES);
  return { body, truncated: truncated || readTruncated };
}

/** `text` cut to at most `maxBytes` of UTF-8. */
export function cut(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  // Decoding may leave a replacement character where a multi-byte character was split.
  return { text: bytes.subarray(0, maxBytes).toString('utf8'), truncated: true };
}

function preview(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json !== undefined && json.length > 1024 ? `${json.slice(0, 1024)}…` : value;
}

export function checkedUrl(url: unknown): URL {
  if (typeof url !== 'string') throw badArgument(`url must be a string, not ${typeof url}`);
  try {
    return parseHttpUrl(url);
  } catch (error) {
    throw badArgument(`url: ${(error as Error).message}`);
  }
}

export function stringHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) throw badArgument('headers must be an object of name: value strings');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw badArgument(`header ${name} must be a string, not ${typeof value}`);
  }
  return { ...(headers as Record<string, string>) };
}

/**
 * The ApplicationFailure for a failed exchange: connect errors and timeouts are retryable
 * (the target may come back), bad arguments are not, and a cancellation stays a cancellation.
 * An open circuit breaker is BREAKER_OPEN, retryable, with the next attempt delayed until the
 * breaker lets trial calls through (when that is known: not for a breaker forced open).
 */
export function httpFailure(error: unknown, method: string, url: URL, timeoutMs: number, signal: AbortSignal | undefined): Error {
  if (error instanceof HttpAbortedError && signal?.aborted) return cancellationError(signal);
  if (!(error instanceof HttpClientError)) return error instanceof Error ? error : new Error(String(error));
  const where = `${method} ${safeUrl(url)}`;
  if (error instanceof HttpArgumentError) return badArgument(`${where}: ${error.message}`);
  if (error instanceof HttpBreakerOpenError) {
    const r = error.rejection;
    return ApplicationFailure.create({
      type: 'BREAKER_OPEN',
      message: `${where} not sent: ${r.message}`,
      nonRetryable: false,
      details: [
        {
          method,
          url: safeUrl(url),
          breaker: r.breaker,
          state: r.state,
          ...(r.until ? { until: new Date(r.until).toISOString(), retryAfterMs: r.retryAfterMs } : {}),
          ...(r.forced ? { forced: r.forced } : {}),
        },
      ],
      ...(r.retryAfterMs ? { nextRetryDelay: r.retryAfterMs } : {}),
    });
  }
  return ApplicationFailure.create({
    type: error.code,
    message:
      error.code === 'HTTP_TIMEOUT'
        ? `${where} timed out after ${timeoutMs}ms`
        : error.code === 'HTTP_CONNECT'
          ? `${where}: cannot connect (${error.causeCode ?? 'unknown cause'})`
          : error.message,
    nonRetryable: false,
    details: [{ method, url: safeUrl(url), timeoutMs, latencyMs: error.latencyMs, cause: error.causeCode }],
  });
}
