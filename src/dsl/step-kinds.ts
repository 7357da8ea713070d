/**
 * Step kinds and the step tree, without TypeBox: the workflow bundle imports this, and every
 * module in it is evaluated again for each cached workflow, so it must stay small.
 */
import type { Step } from './types';

/**
 * The one list of step kinds, each with the key that names it in a document (a step carries
 * exactly one). The step types (types.ts), the schema, the diagnostics and the interpreter's
 * runner table (workflows/steps/runners.ts) all derive from it, so a kind added here must be
 * given a shape and a runner before anything compiles. Listed in document order: the schema
 * and messages list kinds in this order.
 */
export const STEP_KINDS = {
  action: 'action',
  sleep: 'sleep',
  approval: 'approval',
  parallel: 'parallel',
  if: 'then',
  switch: 'switch',
  forEach: 'forEach',
  until: 'until',
  runbook: 'runbook',
  fail: 'fail',
  pause: 'pause',
  analysis: 'analysis',
} as const;
export type StepKind = keyof typeof STEP_KINDS;
/** The key that names each step kind: `if` is named by its `then` (an `if` alone on another kind is a guard). */
export type StepKindKey = (typeof STEP_KINDS)[StepKind];
export const STEP_KIND_KEYS: readonly StepKindKey[] = Object.values(STEP_KINDS);
export const STEP_KIND_OF_KEY = Object.fromEntries(Object.entries(STEP_KINDS).map(([kind, key]) => [key, kind])) as Record<StepKindKey, StepKind>;

/** The kind of a step, from the one kind key it carries. */
export function stepKind(step: Step): StepKind {
  for (const key of STEP_KIND_KEYS) if (key in step) return STEP_KIND_OF_KEY[key];
  throw new Error(`step ${(step as { id?: string }).id ?? '?'} has no kind`);
}

/** Nested step lists of a step, in document order (branches, cases, bodies). */
export function childSequences(step: Step): Step[][] {
  if ('parallel' in step) return step.parallel.branches.map((b) => b.steps);
  if ('then' in step) return step.else ? [step.then, step.else] : [step.then];
  if ('switch' in step) return [...step.switch.cases.map((c) => c.steps), ...(step.switch.default ? [step.switch.default] : [])];
  if ('forEach' in step) return [step.forEach.steps];
  if ('until' in step) return [step.until.steps];
  return [];
}

/** The actions an `analysis` step calls: one measurement, and the canary-vs-baseline judgement. */
export const ANALYSIS_MEASURE = 'analysis.measure';
export const ANALYSIS_JUDGE = 'analysis.judge';

/**
 * Domain overrides (beyond approve/abort/...): a `pause` can end on them; expressions read them
 * as $run.signals.<name>. emergencyStop also stops the run at once, like abort.
 */
export const DOMAIN_SIGNALS = ['promote', 'forceCheck', 'skipStrategy', 'emergencyStop', 'forceFailover', 'holdFailover', 'releaseHold', 'failback'] as const;
export type DomainSignal = (typeof DOMAIN_SIGNALS)[number];
