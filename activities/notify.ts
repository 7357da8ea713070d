/**
 * `notify.webhook`: POSTs a JSON payload (Slack, PagerDuty, Teams, a custom receiver).
 *
 * A non-2xx answer is WEBHOOK_FAILED. It is retryable for 5xx, 408 and 429 (the receiver
 * is busy or down), not for other 4xx or 3xx (the request itself is wrong and will stay so).
 * Retry-After on 429/503 is honoured as the delay before the next attempt. Each request
 * carries an Idempotency-Key stable across retries, so a receiver that supports it can
 * drop the duplicate a retry after a lost answer would otherwise deliver.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { activityContext, cancellationSignal, timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { checkedUrl, cut, httpFailure, stringHeaders } from './http';
import { redact, safeUrl, secretValues } from '../src/secrets/masking';
import { Duration } from '../src/dsl/types';
import { httpRequest } from '../src/http/client';

/** Receivers answer with short acknowledgements; more is noise in history. */
const RESPONSE_BYTES = 4 * 1024;
/** Never wait longer than this on a receiver's Retry-After. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export const webhook = defineAction({
  name: 'notify.webhook',
  description: 'POSTs a JSON payload to a webhook; non-2xx fails (retryable unless a 4xx other than 408/429).',
  args: Type.Object(
    {
      url: Type.String({ minLength: 1 }),
      payload: Type.Record(Type.String(), Type.Unknown(), { description: 'Sent as the JSON body' }),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      timeout: Type.Optional(Duration),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '10s', retry: { maxAttempts: 5, initialInterval: '1s', backoff: 2 } },
  run: async (args) => {
    const url = checkedUrl(args.url);
    if (typeof args.payload !== 'object' || args.payload === null || Array.isArray(args.payload)) {
      throw ApplicationFailure.nonRetryable('payload must be an object', 'BAD_ARGUMENT');
    }
    const headers = { 'content-type': 'application/json', ...idempotencyKey(), ...stringHeaders(args.headers) };
    const timeoutMs = timeBudgetMs(timeoutArg(args.timeout), 10_000, 1_000);
    const signal = cancellationSignal();
    const response = await withHeartbeat(
      httpRequest({ method: 'POST', url, headers, body: JSON.stringify(args.payload), timeoutMs, signal, maxBodyBytes: RESPONSE_BYTES }).catch(
        (error: unknown) => {
          throw httpFailure(error, 'POST', url, timeoutMs, signal);
        },
      ),
    );
    const body = cut(redact(response.body, secretValues(headers)), RESPONSE_BYTES).text;
    if (response.status >= 200 && response.status < 300) return { status: response.status, latencyMs: response.latencyMs, response: body };

    // 3xx counts as rejected too: redirects are not followed, and the URL will not change by itself.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    const retryAfterMs = retryable ? parseRetryAfter(response.headers['retry-after']) : undefined;
    throw ApplicationFailure.create({
      type: 'WEBHOOK_FAILED',
      message: `webhook ${safeUrl(url)} answered ${response.status}${retryable ? '' : ' (not retried: the receiver rejected the request)'}`,
      nonRetryable: !retryable,
      details: [{ url: safeUrl(url), status: response.status, latencyMs: response.latencyMs, response: body }],
      ...(retryAfterMs !== undefined ? { nextRetryDelay: retryAfterMs } : {}),
    });
  },
});

/** workflow/run/activity: the same for every attempt of this step, different for every other. */
function idempotencyKey(): Record<string, string> {
  const info = activityContext()?.info;
  const run = info?.workflowExecution;
  return info && run ? { 'idempotency-key': `${run.workflowId}/${run.runId}/${info.activityId}` } : {};
}

/** Retry-After as seconds or an HTTP date, in milliseconds, capped; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : Date.parse(text) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}
