/**
 * Span attribute names and the header that carries a step's identity from the workflow to
 * its activity. Pure code with no imports: the workflow interceptors (inside Temporal's
 * sandbox) and the worker-side activity interceptor share it.
 */

/** Attribute keys on workflow, activity and HTTP spans. `genie.*` are ours; the rest follow OpenTelemetry's conventions. */
export const ATTR = {
  runbookName: 'genie.runbook.name',
  stepId: 'genie.step.id',
  action: 'genie.action',
  workflowId: 'temporal.workflow.id',
  attempt: 'temporal.activity.attempt',
  component: 'genie.component',
  route: 'genie.router.route',
  pool: 'genie.router.pool',
} as const;

/** Temporal header (next to the tracer's own `_tracer-data`) with `{ runbook, step }` for the activity span. */
export const STEP_HEADER = 'genie-step';

export interface StepIdentity {
  runbook?: string;
  step?: string;
}

/**
 * The runbook's name from the workflow input: the name the worker resolves, an inline
 * definition's metadata.name, or the pinned definition of a continued run.
 */
export function runbookNameOf(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const { runbook, continued } = input as { runbook?: unknown; continued?: { loaded?: { resolved?: { definition?: { metadata?: { name?: unknown } } } } } };
  const pinned = continued?.loaded?.resolved?.definition?.metadata?.name;
  if (typeof pinned === 'string') return pinned;
  if (typeof runbook === 'string') return runbook;
  const inline = (runbook as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return typeof inline === 'string' ? inline : undefined;
}

/**
 * The step path from an activity summary. Every action activity's summary is
 * `<step path>: <label>` (workflows/steps/action.ts; docs/architecture.md: "every activity carries a
 * summary naming its step"), so the path is what precedes the first ": ".
 */
export function stepIdOf(summary: string | undefined): string | undefined {
  if (!summary) return undefined;
  const at = summary.indexOf(': ');
  return at > 0 ? summary.slice(0, at) : undefined;
}
