/**
 * `health.http`: is an HTTP endpoint answering as it should, and fast enough? Connection
 * errors and timeouts are findings (unhealthy), not failures of the check.
 */
import { Type } from '@sinclair/typebox';
import { parseDuration } from '../../src/dsl/duration';
import { HttpClientError, httpRequest } from '../../src/http/client';
import { defineAction } from '../action';
import { cancellationSignal, withHeartbeat } from '../context';
import { judgeUpper, latencyProbeArgs, verdict, type HealthStatus } from './status';

export const http = defineAction({
  name: 'health.http',
  description: 'Probes a URL: status, optional body text, latency against degraded/unhealthy bounds.',
  args: Type.Object(
    {
      url: Type.String({ minLength: 1 }),
      method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('HEAD')])),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      expectStatus: Type.Optional(Type.String({ pattern: '^[1-5](\\d\\d|\\dx|xx)$', description: 'e.g. 200 or 2xx (default 2xx)' })),
      bodyContains: Type.Optional(Type.String()),
      ...latencyProbeArgs,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 1 } },
  run: async (args) => {
    const expectStatus = args.expectStatus ?? '2xx';
    const thresholds = { expectStatus, degradedLatencyMs: args.degradedLatencyMs, maxLatencyMs: args.maxLatencyMs };
    const timeoutMs = args.timeout ? parseDuration(args.timeout) : 5_000;
    try {
      const response = await withHeartbeat(
        // A probe observes the destination as it is: no circuit breaker may answer for it (that
        // would hide a recovery for a whole open duration), and its expected 5xx are not failures.
        httpRequest({
          method: args.method ?? 'GET',
          url: args.url,
          headers: args.headers ?? {},
          timeoutMs,
          signal: cancellationSignal(),
          maxBodyBytes: 64 * 1024,
          breakers: false,
        }),
      );
      const judged: { status: HealthStatus; reason?: string }[] = [
        statusMatches(response.status, expectStatus)
          ? { status: 'healthy' }
          : { status: 'unhealthy', reason: `status ${response.status}, expected ${expectStatus}` },
        args.bodyContains === undefined || response.body.includes(args.bodyContains)
          ? { status: 'healthy' }
          : { status: 'unhealthy', reason: `body does not contain "${args.bodyContains}"` },
        judgeUpper('latency', response.latencyMs, 'ms', args.degradedLatencyMs, args.maxLatencyMs),
      ];
      return verdict(args.url, judged, { httpStatus: response.status, latencyMs: response.latencyMs, thresholds }, args.failOnUnhealthy);
    } catch (err) {
      if (!(err instanceof HttpClientError) || err.code === 'BAD_ARGUMENT') throw err;
      return verdict(
        args.url,
        [{ status: 'unhealthy', reason: `${err.code}: ${err.message}` }],
        { httpStatus: null, latencyMs: null, thresholds },
        args.failOnUnhealthy,
      );
    }
  },
});

/** "200" matches exactly; "2xx" / "20x" match by their fixed leading digits. */
export function statusMatches(status: number, pattern: string): boolean {
  const text = String(status);
  return [...pattern].every((c, i) => c === 'x' || c === text[i]);
}
