/**
 * Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), configured
 * for Genie: client spans for starts, signals, queries and updates; activity spans named
 * after the runbook step; and the sink through which the workflows' spans (made inside the
 * sandbox, see workflow-interceptors.ts) reach this process's exporters.
 */
import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { WorkerOptions } from '@temporalio/worker';
import { StepAttributesInterceptor } from './activity-attributes';

export function clientInterceptors(tracer: Tracer): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] };
}

export function workerOptions(tracer: Tracer, processor: SpanProcessor, resource: Resource): Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>> {
  return {
    interceptors: {
      activity: [
        (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
        // Second, so it runs inside the span the first one opened.
        (ctx) => ({ inbound: new StepAttributesInterceptor(ctx) }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
  };
}
