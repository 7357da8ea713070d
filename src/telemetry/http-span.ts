/**
 * A CLIENT span per outbound HTTP call (src/http/client.ts), child of whatever is active
 * (the activity's span), with W3C `traceparent` put in the request so the next hop — the
 * router, a service — continues the same trace. The recorded URL has no query string:
 * queries carry tokens often enough that a trace backend is the wrong place for them.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace, type Tracer } from '@opentelemetry/api';

const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

export function traceHttp<T extends { status: number }>(
  tracer: Tracer,
  method: string,
  url: URL,
  headers: Record<string, string> | undefined,
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  const span = tracer.startSpan(
    `HTTP ${method}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.full': `${url.origin}${url.pathname}`,
        'server.address': url.hostname,
        'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      },
    },
    parent,
  );
  // The caller's own trace headers would contradict ours: ours describe this request.
  const outgoing: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (!TRACE_HEADERS.has(name.toLowerCase())) outgoing[name] = value;
  propagation.inject(trace.setSpan(parent, span), outgoing);
  return send(outgoing).then(
    (response) => {
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
      span.end();
      return response;
    },
    (error: unknown) => {
      const code = (error as { code?: unknown }).code;
      span.setAttribute('error.type', typeof code === 'string' ? code : ((error as Error)?.name ?? 'Error'));
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
      span.end();
      throw error;
    },
  );
}
