/**
 * Distributed tracing (OpenTelemetry) through the client, the workflows, the activities,
 * their outbound HTTP calls and the router. Off unless the environment asks (config.ts);
 * when off, nothing from OpenTelemetry is loaded and no interceptor is installed.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { tracingSettings, type TracingSettings } from './config';
import { activeTracing, setActiveTracing, type Tracing } from './state';

export { activeTracing, type Tracing, type ProxySpan } from './state';
export { tracingSettings, TracingConfigError, type TracingSettings, type TraceExporterKind } from './config';

export interface StartTracingOptions {
  /** Exporters named by the environment (default: none). */
  settings?: TracingSettings;
  /** Extra exporters, each behind a SimpleSpanProcessor (tests: an InMemorySpanExporter). */
  exporters?: SpanExporter[];
  serviceName?: string;
}

/** This process's tracing as the environment asks: started on the first call, undefined when off. */
export function ensureTracing(defaultServiceName: string): Tracing | undefined {
  const running = activeTracing();
  if (running) return running;
  const settings = tracingSettings();
  if (!settings) return undefined;
  return startTracing({ settings, serviceName: settings.serviceName ?? defaultServiceName });
}

/** Starts tracing explicitly (tests, benchmarks). One per process: stopTracing() first to start another. */
export function startTracing(options: StartTracingOptions = {}): Tracing {
  if (activeTracing()) throw new Error('tracing is already started in this process; call stopTracing() first');
  // Loaded here and never at import time: with tracing off, no OpenTelemetry module is in the process.
  const { createTracing } = require('./sdk') as typeof import('./sdk');
  const tracing = createTracing({ ...options, serviceName: options.serviceName ?? options.settings?.serviceName ?? 'genie' });
  setActiveTracing(tracing);
  return tracing;
}

/** Flushes and removes this process's tracing (clients and workers created later are untraced). */
export async function stopTracing(): Promise<void> {
  const tracing = activeTracing();
  if (!tracing) return;
  setActiveTracing(undefined);
  await tracing.shutdown();
}

/** Sends buffered spans; a no-op when tracing is off. */
export async function flushTracing(): Promise<void> {
  await activeTracing()?.flush();
}

/** Whether workers of this process should load the traced workflow bundle. */
export function tracingRequested(): boolean {
  return activeTracing() !== undefined || tracingSettings() !== undefined;
}
