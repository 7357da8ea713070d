/**
 * The OpenTelemetry SDK, set up once per process when tracing is on (never loaded when off):
 * a tracer provider with the chosen exporters and sampler, W3C trace-context propagation
 * (or what OTEL_PROPAGATORS names), and context that follows async calls
 * (AsyncLocalStorage), registered as the process's globals.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonLinesSpanExporter } from './console-exporter';
import { traceHttp } from './http-span';
import { traceProxy } from './proxy-span';
import { propagatorFor, resourceFor, samplerFor } from './sdk-options';
import type { StartTracingOptions } from './index';
import type { Tracing } from './state';
import { clientInterceptors, workerOptions } from './temporal';

const TRACER_NAME = 'genie';

export function createTracing(options: StartTracingOptions & { serviceName: string }): Tracing {
  const resource = resourceFor(options.serviceName, options.settings);
  const processors: SpanProcessor[] = [];
  for (const kind of options.settings?.exporters ?? []) {
    // Console spans are few and wanted at once; OTLP ones go in batches, off the hot path.
    if (kind === 'console') processors.push(new SimpleSpanProcessor(new JsonLinesSpanExporter()));
    else {
      // Its endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables.
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
    }
  }
  for (const exporter of options.exporters ?? []) processors.push(new SimpleSpanProcessor(exporter));

  // Sampler and propagator always passed: left out, the SDK would read process.env itself and
  // swallow a bad value; settings are the one reader.
  const provider = new BasicTracerProvider({ resource, sampler: samplerFor(options.settings?.sampler), spanProcessors: processors });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: propagatorFor(options.settings?.propagators) });
  const tracer = provider.getTracer(TRACER_NAME);
  const spanProcessor = provider.getActiveSpanProcessor();

  // Batched spans of a process that ends on its own (a worker after SIGTERM) still leave.
  const onBeforeExit = () => void provider.forceFlush().catch(() => undefined);
  process.once('beforeExit', onBeforeExit);

  return {
    serviceName: options.serviceName,
    tracer,
    spanProcessor,
    resource,
    traceHttp: (method, url, headers, send) => traceHttp(tracer, method, url, headers, send),
    traceProxy: (req, res, upstreamHeaders) => traceProxy(tracer, req, res, upstreamHeaders),
    clientInterceptors: () => clientInterceptors(tracer),
    workerOptions: () => workerOptions(tracer, spanProcessor, resource),
    flush: () => provider.forceFlush(),
    async shutdown() {
      process.off('beforeExit', onBeforeExit);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
