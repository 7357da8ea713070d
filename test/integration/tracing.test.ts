/**
 * Distributed tracing end to end, with real parts: the Temporal dev server, a Genie worker
 * and client built by the same functions `genie up` uses, the router in front of a real
 * HTTP server, and an in-memory exporter in place of Jaeger. One runbook run must make ONE
 * trace: client start → workflow → activity → HTTP call → router → (traceparent at the
 * upstream). With tracing off, none of it is installed.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../../src/paths';
import { startRouter, type RunningRouter } from '../../src/router';
import { ATTR } from '../../src/telemetry/attributes';
import { activeTracing, startTracing, stopTracing } from '../../src/telemetry';
import { loadWorkflowBundle } from '../../src/temporal/bundle';
import { connectClient } from '../../src/temporal/connection';
import { genieDataConverter } from '../../src/temporal/data-converter';
import { startRunbook } from '../../src/temporal/runs';
import { createGenieWorker } from '../../src/temporal/worker';
import { inlineRunbook } from '../helpers/runbooks';
import { localEnv, uniqueQueue } from '../helpers/temporal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tracing: one runbook run is one trace, client to router', function () {
  this.timeout(90_000);
  let env: TestWorkflowEnvironment;
  let upstream: http.Server;
  let router: RunningRouter;
  /** The traceparent each request reaching the upstream carried (undefined: none). */
  const seen: Array<string | undefined> = [];
  const memory = new InMemorySpanExporter();

  before(async () => {
    env = await localEnv();
    upstream = http.createServer((req, res) => {
      seen.push(req.headers.traceparent as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    router = await startRouter({
      config: { pools: { app: { origins: [origin] } }, routes: { web: { match: { pathPrefix: '/' }, weights: { app: 100 } } } } as never,
      token: 'test-token-test-token-test-token',
    });
  });
  after(async () => {
    await stopTracing();
    await router?.close();
    upstream?.closeAllConnections();
    upstream?.close();
  });

  /** A client and worker made as `genie up` makes them, one run through the router, its id. */
  async function runThroughRouter(runbookName: string): Promise<{ workflowId: string; client: Client; worker: Worker }> {
    const address = (env as unknown as { address: string }).address;
    const client = await connectClient({ address, namespace: env.namespace ?? 'default', taskQueue: 'unused', grpcPort: 0, uiPort: 0 });
    const taskQueue = uniqueQueue('tracing');
    const worker = await createGenieWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue });
    const runbook = inlineRunbook([
      { id: 'call', action: 'http.request', with: { url: `${router.url}/orders?token=secret`, expect: { status: 200 } }, retry: { maxAttempts: 1 } },
    ] as never);
    runbook.metadata.name = runbookName;
    const handle = await startRunbook(client, { runbook, requestedBy: 'tester', taskQueue });
    const result = await worker.runUntil(handle.result());
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    return { workflowId: handle.workflowId, client, worker };
  }

  async function spansUntil(predicate: (spans: ReadableSpan[]) => boolean, timeoutMs = 5_000): Promise<ReadableSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await activeTracing()?.flush();
      const spans = memory.getFinishedSpans();
      if (predicate(spans) || Date.now() > deadline) return spans;
      await sleep(50);
    }
  }

  it('links client start → workflow → activity → HTTP call → router in one trace, naming runbook and step', async () => {
    startTracing({ exporters: [memory], serviceName: 'genie-test' });
    const { workflowId, client } = await runThroughRouter('traced-orders');
    await client.connection.close();
    const spans = await spansUntil((s) => s.some((x) => x.name === 'RunWorkflow:runbook'));

    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      assert.equal(found.length, 1, `expected one ${name} span, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
      return found[0];
    };
    const start = byName('StartWorkflow:runbook');
    const workflow = byName('RunWorkflow:runbook');
    const startActivity = byName('StartActivity:http.request');
    const runActivity = byName('RunActivity:http.request');
    const httpCall = byName('HTTP GET');
    const routerSpan = byName('router GET');

    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    assert.equal(traceIds.size, 1, `one trace expected, got ${traceIds.size}: ${spans.map((s) => `${s.name}@${s.spanContext().traceId}`).join(', ')}`);
    assert.equal(start.parentSpanId, undefined, 'the client start is the root');
    const chain = [start, workflow, startActivity, runActivity, httpCall, routerSpan];
    for (let i = 1; i < chain.length; i++) {
      assert.equal(chain[i].parentSpanId, chain[i - 1].spanContext().spanId, `${chain[i].name} is a child of ${chain[i - 1].name}`);
    }
    // The upstream behind the router sees the router's span as its parent.
    assert.equal(seen.length, 1);
    const [, traceId, parentId] = seen[0]!.split('-');
    assert.equal(traceId, start.spanContext().traceId);
    assert.equal(parentId, routerSpan.spanContext().spanId);

    assert.equal(workflow.attributes[ATTR.runbookName], 'traced-orders');
    assert.equal(workflow.attributes[ATTR.workflowId], workflowId);
    for (const span of [startActivity, runActivity]) {
      assert.equal(span.attributes[ATTR.runbookName], 'traced-orders', `${span.name} names the runbook`);
      assert.equal(span.attributes[ATTR.stepId], 'call', `${span.name} names the step`);
      assert.equal(span.attributes[ATTR.action], 'http.request');
    }
    assert.equal(httpCall.attributes['http.response.status_code'], 200);
    assert.equal(httpCall.attributes['url.full'], `${router.url}/orders`, 'the query string (tokens) is not recorded');
    assert.equal(routerSpan.attributes[ATTR.route], 'web');
    assert.equal(routerSpan.attributes[ATTR.pool], 'app');
    assert.equal(routerSpan.attributes['http.response.status_code'], 200);
    assert.equal(routerSpan.resource.attributes['service.name'], 'genie-test');
  });

  it('replays recorded histories and a traced run with the traced bundle, and the traced run without it', async () => {
    assert.ok(activeTracing(), 'runs after the traced test');
    const { workflowId, client } = await runThroughRouter('traced-replay');
    const traced = await client.workflow.getHandle(workflowId).fetchHistory();
    await client.connection.close();
    const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');
    const recorded = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({
        workflowId: f.replace(/\.json$/, ''),
        history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))),
      }));
    const histories = [...recorded, { workflowId, history: traced }];
    const dataConverter = genieDataConverter();
    const replay = async (bundle: { code: string }, extra: object) => {
      const failures: string[] = [];
      for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, ...(dataConverter ? { dataConverter } : {}), ...extra }, histories))
        if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
      return failures;
    };
    // Tracing switched on for runs recorded without it, and off for a run recorded with it.
    assert.deepEqual(await replay(await loadWorkflowBundle({ traced: true }), { sinks: activeTracing()!.workerOptions().sinks }), []);
    assert.deepEqual(await replay(await loadWorkflowBundle({ traced: false }), {}), []);
  });

  it('with tracing off installs nothing: no client or worker interceptors, no trace headers, no spans', async () => {
    await stopTracing();
    memory.reset();
    seen.length = 0;
    const { workflowId, client, worker } = await runThroughRouter('untraced');
    assert.deepEqual(client.options.interceptors.workflow ?? [], []);
    const options = (worker as unknown as { options: { interceptors: { activity: unknown[] }; sinks?: Record<string, unknown> } }).options;
    assert.deepEqual(options.interceptors.activity, []);
    assert.equal(options.sinks?.exporter, undefined);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await client.connection.close();
    const headers = (history.events ?? []).flatMap((e) => Object.keys(e.activityTaskScheduledEventAttributes?.header?.fields ?? {}));
    assert.deepEqual(headers, [], 'the workflow put no trace or step headers on its activities');
    assert.deepEqual(seen, [undefined], 'no traceparent reached the upstream');
    await sleep(200);
    assert.equal(memory.getFinishedSpans().length, 0);
  });
});
