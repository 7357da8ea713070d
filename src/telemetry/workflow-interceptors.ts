/**
 * Workflow interceptors for the traced workflow bundle (src/temporal/bundle.ts): Temporal's
 * OpenTelemetry workflow interceptors — built for the sandbox: spans live in memory and
 * leave through the `exporter` sink; they issue no commands — plus attributes naming the
 * runbook (on the workflow span) and the step (on each activity's start span, and in the
 * `genie-step` header for the activity's own span). Setting attributes and headers does not
 * change the command sequence, so recorded histories replay with or without this module.
 * Only in the traced bundle: with tracing off, workflows run without any of it.
 */
import { trace } from '@opentelemetry/api';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import {
  defaultPayloadConverter,
  workflowInfo,
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { ATTR, STEP_HEADER, runbookNameOf, stepIdOf, type StepIdentity } from './attributes';

/** What the run's interceptors share: the runbook name, learnt from the input. */
interface RunNames {
  runbook?: string;
}

class RunbookAttributes implements WorkflowInboundCallsInterceptor {
  constructor(private readonly names: RunNames) {}

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    this.names.runbook = runbookNameOf(input.args[0]);
    const span = trace.getActiveSpan();
    span?.setAttribute(ATTR.workflowId, workflowInfo().workflowId);
    if (this.names.runbook) span?.setAttribute(ATTR.runbookName, this.names.runbook);
    return next(input);
  }
}

class StepAttributes implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly names: RunNames) {}

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return next(this.named(input, input.options.summary));
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return next(this.named(input, input.options.summary));
  }

  private named<T extends ActivityInput | LocalActivityInput>(input: T, summary: string | undefined): T {
    const identity: StepIdentity = { runbook: this.names.runbook, step: stepIdOf(summary) };
    const span = trace.getActiveSpan();
    if (identity.runbook) span?.setAttribute(ATTR.runbookName, identity.runbook);
    if (identity.step) span?.setAttribute(ATTR.stepId, identity.step);
    span?.setAttribute(ATTR.action, input.activityType);
    return { ...input, headers: { ...input.headers, [STEP_HEADER]: defaultPayloadConverter.toPayload(identity) } };
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  const names: RunNames = {};
  // Temporal's first: each of ours runs inside the span theirs opened.
  return {
    inbound: [new OpenTelemetryInboundInterceptor(), new RunbookAttributes(names)],
    outbound: [new OpenTelemetryOutboundInterceptor(), new StepAttributes(names)],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
