/**
 * Names the runbook, step and action on each activity's span. Runs inside the
 * OpenTelemetry activity interceptor (its span is the active one); the workflow side put the
 * runbook and step into the `genie-step` header (workflow-interceptors.ts).
 */
import { trace } from '@opentelemetry/api';
import type { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { ATTR, STEP_HEADER, type StepIdentity } from './attributes';

export class StepAttributesInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const span = trace.getActiveSpan();
    if (span) {
      const info = this.ctx.info;
      span.setAttributes({ [ATTR.action]: info.activityType, [ATTR.attempt]: info.attempt });
      if (info.workflowExecution) span.setAttribute(ATTR.workflowId, info.workflowExecution.workflowId);
      const header = input.headers[STEP_HEADER];
      const step = header ? (defaultPayloadConverter.fromPayload(header) as StepIdentity) : undefined;
      if (step?.runbook) span.setAttribute(ATTR.runbookName, step.runbook);
      if (step?.step) span.setAttribute(ATTR.stepId, step.step);
    }
    return next(input);
  }
}
