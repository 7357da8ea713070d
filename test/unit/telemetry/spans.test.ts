/**
 * The HTTP client's and the router's spans, in process with an in-memory exporter and real
 * servers: failures mark spans as errors, the caller's stale traceparent is replaced (one
 * header, ours), and the router continues an incoming trace or starts one.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { HttpConnectError, httpRequest } from '../../../src/http/client';
import { startRouter, type RunningRouter } from '../../../src/router';
import { startTracing, stopTracing } from '../../../src/telemetry';
import { JsonLinesSpanExporter } from '../../../src/telemetry/console-exporter';

describe('telemetry: HTTP client and router spans', function () {
  this.timeout(20_000);
  const memory = new InMemorySpanExporter();
  let server: http.Server;
  let base: string;
  let status = 200;
  const received: http.IncomingHttpHeaders[] = [];
  const rawTraceparents: number[] = [];
  let router: RunningRouter;

  before(async () => {
    startTracing({ exporters: [memory], serviceName: 'spans-test' });
    server = http.createServer((req, res) => {
      received.push(req.headers);
      rawTraceparents.push(req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'traceparent').length);
      res.writeHead(status).end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    router = await startRouter({
      config: {
        pools: { app: { origins: [base] }, gone: { origins: ['http://127.0.0.1:9'] } },
        routes: { web: { match: { pathPrefix: '/' }, weights: { app: 100 } }, dead: { match: { pathPrefix: '/dead' }, weights: { gone: 100 } } },
      } as never,
      token: 'spans-token-spans-token-spans-token',
    });
  });
  beforeEach(() => {
    memory.reset();
    received.length = 0;
    rawTraceparents.length = 0;
    status = 200;
  });
  after(async () => {
    await router?.close();
    server?.close();
    await stopTracing();
  });

  it('replaces a caller-supplied traceparent with its own: one header, naming the HTTP span', async () => {
    await httpRequest({
      method: 'GET',
      url: `${base}/a`,
      headers: { TraceParent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` },
      timeoutMs: 2_000,
      breakers: false,
    });
    const [span] = memory.getFinishedSpans();
    assert.equal(span.name, 'HTTP GET');
    assert.deepEqual(rawTraceparents, [1]);
    assert.equal(received[0].traceparent, `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('marks 5xx answers and failed connections as errors, and rethrows the failure unchanged', async () => {
    status = 503;
    await httpRequest({ method: 'POST', url: `${base}/b`, body: 'x', timeoutMs: 2_000, breakers: false });
    await assert.rejects(httpRequest({ method: 'GET', url: 'http://127.0.0.1:9/', timeoutMs: 2_000, breakers: false }), HttpConnectError);
    const [answered, refused] = memory.getFinishedSpans();
    assert.equal(answered.name, 'HTTP POST');
    assert.equal(answered.attributes['http.response.status_code'], 503);
    assert.equal(answered.status.code, SpanStatusCode.ERROR);
    assert.equal(refused.status.code, SpanStatusCode.ERROR);
    assert.equal(refused.attributes['error.type'], 'HTTP_CONNECT');
  });

  it('router: continues an incoming trace, starts one without, and marks its own 502 as an error', async () => {
    const traceId = 'a'.repeat(32);
    await fetch(`${router.url}/with`, { headers: { traceparent: `00-${traceId}-${'b'.repeat(16)}-01` } }).then((r) => r.text());
    await fetch(`${router.url}/without`).then((r) => r.text());
    const dead = await fetch(`${router.url}/dead`);
    await dead.text();
    assert.equal(dead.status, 502);
    await new Promise((r) => setTimeout(r, 50));
    const spans = memory.getFinishedSpans().filter((s) => s.name === 'router GET');
    const byPath = (p: string) => spans.find((s) => s.attributes['url.path'] === p)!;
    assert.equal(byPath('/with').spanContext().traceId, traceId);
    assert.equal(byPath('/with').parentSpanId, 'b'.repeat(16));
    assert.equal(byPath('/without').parentSpanId, undefined);
    assert.notEqual(byPath('/without').spanContext().traceId, traceId);
    assert.equal(byPath('/dead').status.code, SpanStatusCode.ERROR);
    assert.equal(byPath('/dead').attributes['genie.router.pool'], 'gone');
    assert.equal(received[0].traceparent, `00-${traceId}-${byPath('/with').spanContext().spanId}-01`);
  });

  it('console exporter: one JSON line per span with trace, parent, duration and attributes', async () => {
    await httpRequest({ method: 'GET', url: `${base}/c`, timeoutMs: 2_000, breakers: false });
    const lines: string[] = [];
    new JsonLinesSpanExporter({ write: (line: string) => lines.push(line) }).export(memory.getFinishedSpans(), () => undefined);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('\n'));
    const record = JSON.parse(lines[0]);
    assert.equal(record.span, 'HTTP GET');
    assert.equal(record.kind, 'CLIENT');
    assert.equal(record.service, 'spans-test');
    assert.match(record.traceId, /^[0-9a-f]{32}$/);
    assert.equal(typeof record.durationMs, 'number');
    assert.equal(record.attributes['url.full'], `${base}/c`);
  });
});
