/**
 * Not a test: a process the telemetry tests start with a chosen environment. It loads what a
 * worker and a router load, makes one HTTP call through an in-process router to a real
 * server, and prints (stdout, one JSON line) what the server received and which
 * OpenTelemetry modules the process loaded. Spans, when on, go where the environment says.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../../../src/http/client';
import { startRouter } from '../../../src/router';
import { flushTracing, tracingRequested } from '../../../src/telemetry';
import '../../../src/temporal/connection';
import '../../../src/temporal/worker';

async function main(): Promise<void> {
  let traceparent: string | undefined;
  const upstream = http.createServer((req, res) => {
    traceparent = req.headers.traceparent as string | undefined;
    res.end('ok');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const router = await startRouter({
    config: { pools: { app: { origins: [origin] } }, routes: { web: { match: { pathPrefix: '/' }, weights: { app: 100 } } } } as never,
    token: 'child-token-child-token-child-token',
  });
  const response = await httpRequest({ method: 'GET', url: `${router.url}/x`, timeoutMs: 5_000, breakers: false });
  await router.close();
  upstream.close();
  await flushTracing();
  const loaded = Object.keys(require.cache).filter((file) => /[\\/]@opentelemetry[\\/]|interceptors-opentelemetry|[\\/]telemetry[\\/]sdk\.js$/.test(file));
  process.stdout.write(
    `${JSON.stringify({ status: response.status, traceparent: traceparent ?? null, requested: tracingRequested(), loaded: loaded.length })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  // The upstream server may be listening still.
  process.exit(1);
});
