/**
 * When tracing is on, and where spans go, from the environment:
 *   GENIE_TRACE=console              one JSON line per finished span on stderr
 *   GENIE_TRACE=otlp                 OTLP over HTTP (endpoint from the OTEL_EXPORTER_OTLP_* variables)
 *   GENIE_TRACE=console,otlp         both
 *   OTEL_EXPORTER_OTLP_ENDPOINT=...  turns OTLP on by itself (e.g. http://jaeger:4318)
 *   GENIE_TRACE=off / OTEL_SDK_DISABLED=true   off even with an endpoint set
 * Nothing set: off, and no OpenTelemetry code is loaded at all.
 */
import { GenieError } from '../errors/genie-error';

export type TraceExporterKind = 'console' | 'otlp';

export interface TracingSettings {
  exporters: TraceExporterKind[];
  /** Resource attribute service.name (OTEL_SERVICE_NAME wins over the process's default). */
  serviceName?: string;
}

export class TracingConfigError extends GenieError {
  readonly code = 'TRACING_CONFIG';
}

const OFF = new Set(['', 'off', 'none', '0', 'false', 'no']);
const KINDS: readonly TraceExporterKind[] = ['console', 'otlp'];

/** The tracing settings, or undefined when tracing is off. Throws TracingConfigError on a value it cannot read. */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return undefined;
  const raw = env.GENIE_TRACE?.trim().toLowerCase();
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  // An explicit "off" wins over an endpoint: the way to silence one process of a compose file.
  if (raw && OFF.has(raw)) return undefined;
  const exporters = new Set<TraceExporterKind>();
  for (const word of (raw ?? '').split(',').map((w) => w.trim()).filter((w) => w && !OFF.has(w))) {
    if (!KINDS.includes(word as TraceExporterKind)) {
      throw new TracingConfigError(`GENIE_TRACE=${env.GENIE_TRACE}: unknown exporter "${word}"; use console, otlp, console,otlp or off`);
    }
    exporters.add(word as TraceExporterKind);
  }
  if (endpoint) {
    if (!/^https?:\/\/[^/\s]+/i.test(endpoint)) {
      throw new TracingConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint} is not an http(s) URL; write e.g. http://jaeger:4318`);
    }
    exporters.add('otlp');
  }
  if (exporters.size === 0) return undefined;
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  return { exporters: [...exporters], ...(serviceName ? { serviceName } : {}) };
}
