/**
 * Tracing as a process gets it from its environment, in real child processes: off by
 * default with no OpenTelemetry code loaded at all; GENIE_TRACE=console writes JSON span
 * lines to stderr (stdout stays clean for CLI output); OTEL_EXPORTER_OTLP_ENDPOINT sends
 * OTLP/HTTP to a real (local) receiver; a bad setting fails with a message naming it.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const CHILD = path.join(__dirname, 'traced-process.js');
const TRACE_VARS = ['GENIE_TRACE', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SDK_DISABLED', 'OTEL_SERVICE_NAME'];

interface ChildReport {
  status: number;
  traceparent: string | null;
  requested: boolean;
  loaded: number;
}

function runChild(extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of TRACE_VARS) delete env[name];
  Object.assign(env, extra);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const report = (stdout: string): ChildReport => JSON.parse(stdout.trim().split('\n').pop()!) as ChildReport;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('telemetry: tracing from the environment (child processes)', function () {
  this.timeout(30_000);

  it('is off by default: no OpenTelemetry module loaded, no traceparent sent', async () => {
    const { code, stdout, stderr } = await runChild({});
    assert.equal(code, 0, stderr);
    assert.deepEqual(report(stdout), { status: 200, traceparent: null, requested: false, loaded: 0 });
  });

  it('GENIE_TRACE=console: spans as JSON lines on stderr, stdout untouched, one trace across HTTP call and router', async () => {
    const { code, stdout, stderr } = await runChild({ GENIE_TRACE: 'console', OTEL_SERVICE_NAME: 'child' });
    assert.equal(code, 0, stderr);
    const result = report(stdout);
    assert.equal(stdout.trim().split('\n').length, 1, 'only the report on stdout');
    assert.match(result.traceparent ?? '', TRACEPARENT);
    const spans = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { span: string; traceId: string; spanId: string; parentSpanId?: string; service: string });
    const client = spans.find((s) => s.span === 'HTTP GET');
    const router = spans.find((s) => s.span === 'router GET');
    assert.ok(client && router, `spans: ${stderr}`);
    assert.equal(router.parentSpanId, client.spanId);
    assert.equal(router.traceId, client.traceId);
    assert.equal(result.traceparent, `00-${router.traceId}-${router.spanId}-01`);
    assert.equal(client.service, 'child');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT: exports OTLP over HTTP to /v1/traces', async () => {
    const bodies: string[] = [];
    const paths: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const { code, stdout, stderr } = await runChild({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
      assert.equal(code, 0, stderr);
      assert.match(report(stdout).traceparent ?? '', TRACEPARENT);
      assert.ok(paths.length >= 1, 'the receiver got an export');
      assert.match(paths[0], /^POST \/v1\/traces application\/json/);
      const all = bodies.join('\n');
      assert.match(all, /"name":"HTTP GET"/);
      assert.match(all, /"name":"router GET"/);
      assert.match(all, /"stringValue":"genie-router"|"stringValue":"genie"/, 'service.name resource attribute');
    } finally {
      receiver.close();
    }
  });

  it('a GENIE_TRACE it cannot read fails, naming the variable and the choices', async () => {
    const { code, stderr } = await runChild({ GENIE_TRACE: 'jaeger' });
    assert.notEqual(code, 0);
    assert.match(stderr, /GENIE_TRACE=jaeger: unknown exporter "jaeger"; use console, otlp, console,otlp or off/);
  });

  it('GENIE_TRACE=off wins over an endpoint', async () => {
    const { code, stdout, stderr } = await runChild({ GENIE_TRACE: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(code, 0, stderr);
    assert.equal(report(stdout).loaded, 0);
  });
});
