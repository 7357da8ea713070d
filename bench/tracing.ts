/**
 * What tracing costs, off and on, side by side in one process (alternating blocks, so drift
 * on a shared machine hits both sides alike):
 *   - offCheckNs: the whole cost of tracing-off on a hot path (one variable read per call);
 *   - sdkStart: loading and starting the OpenTelemetry SDK, paid once per process when on;
 *   - http: an activity-style HTTP call through the in-process router to a local server
 *     (on = a client span + a router span + traceparent both ways; spans to a discarding exporter);
 *   - runbook (with a dev server): a 5-step util.echo runbook, untraced worker + plain bundle
 *     against traced client + worker + bundle with the workflow interceptors and the sink.
 * `node dist/bench/tracing.js` runs it alone and prints JSON; bench/suite.ts includes it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { API_VERSION, type Runbook } from '../src/dsl/types';
import { httpRequest } from '../src/http/client';
import { startRouter } from '../src/router';
import { activeTracing, startTracing, stopTracing } from '../src/telemetry';
import { genieDataConverter } from '../src/temporal/data-converter';
import { startRunbook } from '../src/temporal/runs';
import { createGenieWorker } from '../src/temporal/worker';
import { log } from './log';
import { ratio, summarize, type Summary } from './stats';

/** Counts spans and drops them: the cost measured is making spans, not shipping them. */
class DiscardExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

function offCheckNs(iterations = 20_000_000): number {
  let hits = 0;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) if (activeTracing()) hits++;
  const ns = ((performance.now() - t0) * 1e6) / iterations;
  if (hits) throw new Error('tracing was on during the off check');
  return Number(ns.toFixed(2));
}

export interface HttpTracingResult {
  calls: number;
  blocks: number;
  offUs: Summary;
  onUs: Summary;
  ratioMedian: number;
  addedUsMedian: number;
  spansPerCall: number;
}

async function httpOverhead(exporter: DiscardExporter, callsPerBlock: number, blocks: number): Promise<HttpTracingResult> {
  const upstream = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const router = await startRouter({
    config: {
      pools: { app: { origins: [`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`] } },
      routes: { web: { match: { pathPrefix: '/' }, weights: { app: 100 } } },
    } as never,
    token: 'bench-token-bench-token-bench-token',
  });
  const block = async (): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < callsPerBlock; i++) await httpRequest({ method: 'GET', url: `${router.url}/x`, timeoutMs: 5_000, breakers: false });
    return ((performance.now() - t0) * 1000) / callsPerBlock;
  };
  const off: number[] = [];
  const on: number[] = [];
  try {
    await block(); // warm-up: connections, JIT
    for (let b = 0; b < blocks; b++) {
      off.push(await block());
      startTracing({ exporters: [exporter], serviceName: 'bench' });
      on.push(await block());
      await stopTracing();
    }
  } finally {
    await router.close();
    upstream.close();
  }
  const o = summarize(off);
  const n = summarize(on);
  return {
    calls: callsPerBlock * blocks,
    blocks,
    offUs: o,
    onUs: n,
    ratioMedian: ratio(n.medianMs, o.medianMs),
    addedUsMedian: Number((n.medianMs - o.medianMs).toFixed(1)),
    spansPerCall: exporter.spans / (callsPerBlock * blocks),
  };
}

function echoRunbook(): Runbook {
  const steps = Array.from({ length: 5 }, (_, i) => ({ id: `s${i + 1}`, action: 'util.echo', with: { i } }));
  return { apiVersion: API_VERSION, kind: 'generic', metadata: { name: 'bench-tracing-echo-5', version: '1.0.0' }, steps } as unknown as Runbook;
}

export interface RunbookTracingResult {
  runs: number;
  steps: number;
  off: Summary;
  on: Summary;
  ratioMedian: number;
  addedMsMedian: number;
  spansPerRun: number;
}

async function runbookOverhead(env: TestWorkflowEnvironment, runs: number, warmup: number): Promise<RunbookTracingResult> {
  const namespace = env.namespace ?? 'default';
  const dataConverter = genieDataConverter();
  // Created while tracing is off: no interceptors, plain bundle.
  const plainWorker = await createGenieWorker({ connection: env.nativeConnection, namespace, taskQueue: 'bench-tracing-off' });
  const exporter = new DiscardExporter();
  const tracing = startTracing({ exporters: [exporter], serviceName: 'bench' });
  try {
    const tracedWorker = await createGenieWorker({ connection: env.nativeConnection, namespace, taskQueue: 'bench-tracing-on' });
    const tracedClient = new Client({
      connection: env.connection,
      namespace,
      ...(dataConverter ? { dataConverter } : {}),
      interceptors: tracing.clientInterceptors(),
    });
    const run = async (client: Client, taskQueue: string): Promise<number> => {
      const t0 = performance.now();
      const handle = await startRunbook(client, { runbook: echoRunbook(), requestedBy: 'bench', taskQueue });
      const result = await handle.result();
      if (result.status !== 'succeeded') throw new Error(`${handle.workflowId}: ${result.status}`);
      return performance.now() - t0;
    };
    return await plainWorker.runUntil(() =>
      tracedWorker.runUntil(async () => {
        for (let i = 0; i < warmup; i++) {
          await run(env.client, 'bench-tracing-off');
          await run(tracedClient, 'bench-tracing-on');
        }
        const off: number[] = [];
        const on: number[] = [];
        const before = exporter.spans;
        for (let i = 0; i < runs; i++) {
          off.push(await run(env.client, 'bench-tracing-off'));
          on.push(await run(tracedClient, 'bench-tracing-on'));
        }
        await tracing.flush();
        const o = summarize(off);
        const n = summarize(on);
        return {
          runs,
          steps: 5,
          off: o,
          on: n,
          ratioMedian: ratio(n.medianMs, o.medianMs),
          addedMsMedian: Number((n.medianMs - o.medianMs).toFixed(1)),
          spansPerRun: Math.round((exporter.spans - before) / runs),
        };
      }),
    );
  } finally {
    await stopTracing();
  }
}

export interface TracingOverheadResult {
  offCheckNs: number;
  sdkStart: { ms: number; heapMB: number };
  http: HttpTracingResult;
  runbook?: RunbookTracingResult;
  note: string;
}

export async function tracingOverhead(env: TestWorkflowEnvironment | undefined, runs = 30): Promise<TracingOverheadResult> {
  if (activeTracing()) throw new Error('the tracing bench needs tracing off to start with (unset GENIE_TRACE / OTEL_EXPORTER_OTLP_ENDPOINT)');
  log('tracing: cost of the off check');
  const check = offCheckNs();
  log('tracing: SDK start');
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  startTracing({ exporters: [new DiscardExporter()], serviceName: 'bench' });
  const sdkStart = { ms: Number((performance.now() - t0).toFixed(1)), heapMB: Number(((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(1)) };
  await stopTracing();
  log('tracing: HTTP calls through the router, off vs on');
  const httpResult = await httpOverhead(new DiscardExporter(), 200, 10);
  let runbook: RunbookTracingResult | undefined;
  if (env) {
    log(`tracing: ${runs}+${runs} runbook runs, off vs on`);
    runbook = await runbookOverhead(env, runs, 3);
  }
  return {
    offCheckNs: check,
    sdkStart,
    http: httpResult,
    ...(runbook ? { runbook } : {}),
    note: 'on = spans made and handed to a discarding exporter (no network); off = no SDK loaded, no interceptors',
  };
}

if (require.main === module) {
  (async () => {
    const { startServer } = await import('./server');
    const env = await startServer();
    try {
      process.stdout.write(`${JSON.stringify(await tracingOverhead(env, Number(process.env.GENIE_BENCH_RUNS ?? 30)), null, 2)}\n`);
    } finally {
      await env.teardown();
    }
  })().then(
    () => process.exit(0),
    (err) => {
      log(`tracing bench failed: ${(err as Error)?.stack ?? err}`);
      process.exit(1);
    },
  );
}
