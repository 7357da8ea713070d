/**
 * What OTEL_RESOURCE_ATTRIBUTES, OTEL_PROPAGATORS and OTEL_TRACES_SAMPLER do to a running
 * tracer (settings read by tracingSettings, as ensureTracing does): the attributes land on
 * every span's resource, the propagators decide the headers a call carries, the sampler which
 * spans are kept; and the router forwards no stale copy of a header it rewrites.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startRouter } from '../../../src/router';
import { startTracing, stopTracing, tracingSettings, type Tracing } from '../../../src/telemetry';

// A fresh one per tracer: shutting the tracer down shuts its exporter, which then drops spans.
let memory = new InMemorySpanExporter();

function start(env: NodeJS.ProcessEnv): Tracing {
  const settings = tracingSettings({ GENIE_TRACE: 'console', ...env });
  assert.ok(settings);
  memory = new InMemorySpanExporter();
  // The settings' console exporter is dropped so the test's output stays clean; the memory one records.
  return startTracing({ settings: { ...settings, exporters: [] }, exporters: [memory], serviceName: settings.serviceName ?? 'otel-env-test' });
}

function injected(tracing: Tracing): Record<string, string> {
  const carrier: Record<string, string> = {};
  const span = tracing.tracer.startSpan('probe');
  const baggage = propagation.createBaggage({ tenant: { value: 'blue' } });
  propagation.inject(propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, span), baggage), carrier);
  span.end();
  return carrier;
}

describe('telemetry: the standard OTEL_* variables on a running tracer', () => {
  afterEach(() => stopTracing());

  it('puts OTEL_RESOURCE_ATTRIBUTES on the spans, under the service name', async () => {
    const tracing = start({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,service.name=edge,service.namespace=payments' });
    tracing.tracer.startSpan('one').end();
    await tracing.flush();
    const [span] = memory.getFinishedSpans();
    assert.equal(span.resource.attributes['deployment.environment'], 'staging');
    assert.equal(span.resource.attributes['service.name'], 'edge');
    assert.equal(span.resource.attributes['service.namespace'], 'payments');
    assert.equal(tracing.serviceName, 'edge');
  });

  it('sends W3C trace context only by default, even with baggage in the context', () => {
    assert.deepEqual(Object.keys(injected(start({}))).sort(), ['traceparent']);
  });

  it('OTEL_PROPAGATORS=tracecontext,baggage adds the baggage header; none sends no header', async () => {
    const both = injected(start({ OTEL_PROPAGATORS: 'tracecontext,baggage' }));
    assert.match(both.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(both.baggage, 'tenant=blue');
    await stopTracing();
    assert.deepEqual(injected(start({ OTEL_PROPAGATORS: 'none' })), {});
  });

  it('OTEL_TRACES_SAMPLER=always_off keeps no span and marks the context unsampled', async () => {
    const tracing = start({ OTEL_TRACES_SAMPLER: 'always_off' });
    const carrier = injected(tracing);
    tracing.tracer.startSpan('two').end();
    await tracing.flush();
    assert.equal(memory.getFinishedSpans().length, 0);
    assert.match(carrier.traceparent, /-00$/);
  });

  it('traceidratio keeps about the asked fraction of traces', async () => {
    const tracing = start({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    for (let i = 0; i < 2000; i++) tracing.tracer.startSpan(`s${i}`).end();
    await tracing.flush();
    const kept = memory.getFinishedSpans().length;
    // Binomial(2000, 0.25): mean 500, standard deviation ~19; these bounds are >5 deviations wide.
    assert.ok(kept > 400 && kept < 600, `kept ${kept} of 2000`);
  });

  it('the router rewrites the baggage header it propagates instead of forwarding a second copy', async () => {
    start({ OTEL_PROPAGATORS: 'tracecontext,baggage' });
    const seen: string[][] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(req.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()));
      res.end('ok');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const router = await startRouter({
      config: { pools: { app: { origins: [origin] } }, routes: { web: { match: { pathPrefix: '/' }, weights: { app: 100 } } } } as never,
      token: 'otel-env-token-otel-env-token-otel',
    });
    try {
      const response = await fetch(`${router.url}/x`, { headers: { baggage: 'tenant=blue', traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } });
      assert.equal(response.status, 200);
      await response.text();
      assert.equal(seen[0].filter((h) => h === 'baggage').length, 1);
      assert.equal(seen[0].filter((h) => h === 'traceparent').length, 1);
    } finally {
      await router.close();
      upstream.close();
    }
  });
});
