/**
 * The sampler, propagator and resource the tracing settings ask for (config.ts has read and
 * checked the OTEL_* variables), built from the OpenTelemetry SDK's own classes.
 */
import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import type { PropagatorName, SamplerSetting, TracingSettings } from './config';

const PROPAGATOR: Record<PropagatorName, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
};

/** null: no propagator at all (OTEL_PROPAGATORS=none). Unset: W3C trace context, as Genie always had. */
export function propagatorFor(names: PropagatorName[] = ['tracecontext']): TextMapPropagator | null {
  if (names.length === 0) return null;
  if (names.length === 1) return PROPAGATOR[names[0]]();
  return new CompositePropagator({ propagators: names.map((name) => PROPAGATOR[name]()) });
}

/** Unset: parentbased_always_on, the SDK's and the spec's default. */
export function samplerFor(setting: SamplerSetting = { name: 'parentbased_always_on' }): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(setting.ratio ?? 1);
  switch (setting.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
  }
}

/** OTEL_RESOURCE_ATTRIBUTES over Genie's service.namespace; the chosen service name over both. */
export function resourceFor(serviceName: string, settings?: TracingSettings): Resource {
  return new Resource({ 'service.namespace': 'genie', ...settings?.resourceAttributes, 'service.name': serviceName });
}
