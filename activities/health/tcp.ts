/** `health.tcp`: does a port accept connections, and how quickly? */
import { Type } from '@sinclair/typebox';
import * as net from 'node:net';
import { parseDuration } from '../../src/dsl/duration';
import { defineAction } from '../action';
import { cancellationSignal } from '../context';
import { judgeUpper, latencyProbeArgs, verdict } from './status';

export const tcp = defineAction({
  name: 'health.tcp',
  description: 'Opens a TCP connection to host:port and closes it; connect latency against degraded/unhealthy bounds.',
  args: Type.Object(
    {
      host: Type.String({ minLength: 1 }),
      port: Type.Integer({ minimum: 1, maximum: 65535 }),
      ...latencyProbeArgs,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 1 } },
  run: async (args) => {
    const target = `${args.host}:${args.port}`;
    const thresholds = { degradedLatencyMs: args.degradedLatencyMs, maxLatencyMs: args.maxLatencyMs };
    const outcome = await connectOnce(args.host, args.port, args.timeout ? parseDuration(args.timeout) : 5_000, cancellationSignal());
    if ('error' in outcome) return verdict(target, [{ status: 'unhealthy', reason: outcome.error }], { latencyMs: null, thresholds }, args.failOnUnhealthy);
    return verdict(
      target,
      [judgeUpper('connect latency', outcome.latencyMs, 'ms', args.degradedLatencyMs, args.maxLatencyMs)],
      { latencyMs: outcome.latencyMs, thresholds },
      args.failOnUnhealthy,
    );
  },
});

export function connectOnce(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<{ latencyMs: number } | { error: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port });
    const done = (result: { latencyMs: number } | { error: string }): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => done({ error: 'cancelled' });
    const timer = setTimeout(() => done({ error: `no connection within ${timeoutMs} ms` }), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    socket.once('connect', () => done({ latencyMs: Math.round((performance.now() - started) * 10) / 10 }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ error: `${err.code ?? 'ERROR'}: ${err.message}` }));
  });
}
