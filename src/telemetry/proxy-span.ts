/**
 * The router's span per proxied request: continues the caller's trace (W3C `traceparent`
 * on the incoming request, a new trace without one), and replaces `traceparent` (every
 * header the propagator writes) in the upstream request so the upstream sees the router's
 * span as its parent. The span ends when the client's response closes, whoever ended it
 * (upstream, fault injection, 5xx from the router itself, or a client that went away).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Tracer } from '@opentelemetry/api';
import { ATTR } from './attributes';
import type { ProxySpan } from './state';

export function traceProxy(tracer: Tracer, req: IncomingMessage, res: ServerResponse, upstreamHeaders: string[]): ProxySpan {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const path = (req.url ?? '/').split('?')[0];
  const span = tracer.startSpan(
    `router ${req.method ?? 'GET'}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR.component]: 'router',
        'http.request.method': req.method ?? 'GET',
        'url.path': path,
        ...(req.headers.host ? { 'server.address': req.headers.host } : {}),
        ...(req.socket.remoteAddress ? { 'client.address': req.socket.remoteAddress } : {}),
      },
    },
    parent,
  );

  // Every header the propagator writes (traceparent, tracestate; baggage when OTEL_PROPAGATORS
  // names it) is rewritten below: a forwarded copy beside ours would contradict or duplicate it.
  const fields = new Set(propagation.fields().map((field) => field.toLowerCase()));
  for (let i = upstreamHeaders.length - 2; i >= 0; i -= 2) {
    if (fields.has(upstreamHeaders[i].toLowerCase())) upstreamHeaders.splice(i, 2);
  }
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  for (const [name, value] of Object.entries(carrier)) upstreamHeaders.push(name, value);

  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'response not completed' });
    else if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
    span.end();
  });
  return {
    routed(route, pool) {
      span.setAttributes({ [ATTR.route]: route, [ATTR.pool]: pool });
    },
  };
}
