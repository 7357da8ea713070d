/**
 * The process's tracing, when it is on. This file loads no OpenTelemetry code (types only),
 * so the hot paths that ask "is tracing on?" (every outbound HTTP call, every proxied
 * request) pay one variable read when it is off.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';

/** The router's span for one proxied request; ends by itself when the response closes. */
export interface ProxySpan {
  /** Names the route and pool once they are chosen. */
  routed(route: string, pool: string): void;
}

export interface Tracing {
  readonly serviceName: string;
  readonly tracer: Tracer;
  /** Every exporter behind one processor: worker-side spans and the workflow sink feed it. */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** One CLIENT span around an outbound HTTP exchange; `send` gets the headers with `traceparent` added. */
  traceHttp<T extends { status: number }>(
    method: string,
    url: URL,
    headers: Record<string, string> | undefined,
    send: (headers: Record<string, string>) => Promise<T>,
  ): Promise<T>;
  /** One SERVER span per proxied request, continuing the caller's trace; rewrites traceparent in `upstreamHeaders` (flat name/value list). */
  traceProxy(req: IncomingMessage, res: ServerResponse, upstreamHeaders: string[]): ProxySpan;
  /** For `new Client({ interceptors })`: a span per workflow start, signal, query, update. */
  clientInterceptors(): ClientInterceptors;
  /** For `Worker.create`: activity interceptors and the sink that exports the workflows' spans. */
  workerOptions(): Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>>;
  /** Sends what is buffered (short-lived processes call it before they exit). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

export function activeTracing(): Tracing | undefined {
  return active;
}

export function setActiveTracing(tracing: Tracing | undefined): void {
  active = tracing;
}
