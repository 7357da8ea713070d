/**
 * GENIE_TRACE=console: one JSON object a line per finished span, on stderr. Not the SDK's
 * ConsoleSpanExporter, which pretty-prints objects to stdout, where CLI commands print
 * their results (`genie run --json | jq` must keep working with tracing on).
 */
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export class JsonLinesSpanExporter implements SpanExporter {
  constructor(private readonly out: { write(line: string): unknown } = process.stderr) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) this.out.write(`${JSON.stringify(spanRecord(span))}\n`);
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}

export function spanRecord(span: ReadableSpan): Record<string, unknown> {
  const context = span.spanContext();
  return {
    span: span.name,
    kind: SpanKind[span.kind],
    traceId: context.traceId,
    spanId: context.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    service: span.resource.attributes['service.name'],
    start: new Date(hrTimeToMilliseconds(span.startTime)).toISOString(),
    durationMs: Number(hrTimeToMilliseconds(span.duration).toFixed(3)),
    ...(span.status.code === 2 ? { error: span.status.message ?? true } : {}),
    attributes: span.attributes,
  };
}
