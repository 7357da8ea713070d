/**
 * When tracing is on, and where spans go, from the environment:
 *   GENIE_TRACE=console              one JSON line per finished span on stderr
 *   GENIE_TRACE=otlp                 OTLP over HTTP (endpoint from the OTEL_EXPORTER_OTLP_* variables)
 *   GENIE_TRACE=console,otlp         both
 *   OTEL_EXPORTER_OTLP_ENDPOINT=...  turns OTLP on by itself (e.g. http://jaeger:4318)
 *   GENIE_TRACE=off / OTEL_SDK_DISABLED=true   off even with an endpoint set
 * Nothing set: off, and no OpenTelemetry code is loaded at all.
 * When on, the standard OpenTelemetry variables shape it (docs/telemetry.md):
 *   OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES   what the spans say they come from
 *   OTEL_PROPAGATORS                              tracecontext (default), baggage, none
 *   OTEL_TRACES_SAMPLER (+ OTEL_TRACES_SAMPLER_ARG)   which traces are kept
 * A value Genie cannot honour is an error at start, not a silent fallback: the SDK's own
 * readers log such mistakes at debug level and carry on, which hides a sampler set to keep
 * 1% behind one that keeps everything.
 */
import { GenieError } from '../errors/genie-error';

export type TraceExporterKind = 'console' | 'otlp';

export type PropagatorName = 'tracecontext' | 'baggage';

export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface SamplerSetting {
  name: SamplerName;
  /** The kept fraction (0..1) for the *traceidratio samplers. */
  ratio?: number;
}

export interface TracingSettings {
  exporters: TraceExporterKind[];
  /** Resource attribute service.name: OTEL_SERVICE_NAME, else service.name in OTEL_RESOURCE_ATTRIBUTES, else the process's default. */
  serviceName?: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded; absent when unset. */
  resourceAttributes?: Record<string, string>;
  /** OTEL_PROPAGATORS; [] means none. Absent: W3C trace context only. */
  propagators?: PropagatorName[];
  /** OTEL_TRACES_SAMPLER; absent: the SDK default, parentbased_always_on. */
  sampler?: SamplerSetting;
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
  for (const word of (raw ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w && !OFF.has(w))) {
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
  const resourceAttributes = resourceAttributesFrom(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || resourceAttributes?.['service.name'];
  const propagators = propagatorsFrom(env.OTEL_PROPAGATORS);
  const sampler = samplerFrom(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG);
  return {
    exporters: [...exporters],
    ...(serviceName ? { serviceName } : {}),
    ...(resourceAttributes ? { resourceAttributes } : {}),
    ...(propagators ? { propagators } : {}),
    ...(sampler ? { sampler } : {}),
  };
}

/**
 * key1=value1,key2=value2 with percent-encoded values (the OpenTelemetry spec's format, the
 * one @opentelemetry/resources' env detector reads). Stricter than that detector, which drops
 * the whole variable on one bad entry without a word.
 */
function resourceAttributesFrom(raw: string | undefined): Record<string, string> | undefined {
  if (!raw?.trim()) return undefined;
  const attributes: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    if (!entry.trim()) continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (!key)
      throw new TracingConfigError(
        `OTEL_RESOURCE_ATTRIBUTES: "${entry.trim()}" is not key=value; write e.g. deployment.environment=prod,service.version=1.4.2`,
      );
    const value = entry
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      attributes[key] = decodeURIComponent(value);
    } catch {
      throw new TracingConfigError(`OTEL_RESOURCE_ATTRIBUTES: the value of ${key} is not valid percent-encoding (write %2C for a comma, %3D for =)`);
    }
  }
  return attributes;
}

const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage'];
/** Named by the spec, but their propagators live in packages Genie does not ship. */
const PROPAGATORS_NOT_SHIPPED = new Set(['b3', 'b3multi', 'jaeger', 'xray', 'ottrace']);

function propagatorsFrom(raw: string | undefined): PropagatorName[] | undefined {
  const names = [
    ...new Set(
      (raw ?? '')
        .split(',')
        .map((w) => w.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) return undefined;
  if (names.includes('none')) {
    if (names.length > 1) throw new TracingConfigError(`OTEL_PROPAGATORS=${raw}: "none" cannot be combined with other propagators`);
    return [];
  }
  for (const name of names) {
    if (PROPAGATORS.includes(name as PropagatorName)) continue;
    const why = PROPAGATORS_NOT_SHIPPED.has(name) ? 'is not available in Genie' : 'is not a propagator';
    throw new TracingConfigError(`OTEL_PROPAGATORS=${raw}: "${name}" ${why}; use tracecontext, baggage, tracecontext,baggage or none`);
  }
  return names as PropagatorName[];
}

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

function samplerFrom(raw: string | undefined, rawArg: string | undefined): SamplerSetting | undefined {
  const name = raw?.trim().toLowerCase();
  if (!name) return undefined;
  if (!SAMPLERS.includes(name as SamplerName)) {
    throw new TracingConfigError(`OTEL_TRACES_SAMPLER=${raw}: not a sampler Genie has; use one of ${SAMPLERS.join(', ')}`);
  }
  if (!name.endsWith('traceidratio')) return { name: name as SamplerName };
  // The spec's default ratio when the argument is unset is 1.0 (keep everything).
  const arg = rawArg?.trim();
  const ratio = arg ? Number(arg) : 1;
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TracingConfigError(`OTEL_TRACES_SAMPLER_ARG=${rawArg}: ${name} needs the fraction of traces to keep, a number from 0 to 1 (e.g. 0.1)`);
  }
  return { name: name as SamplerName, ratio };
}
