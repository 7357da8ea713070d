/**
 * The runbook document model. One TypeBox source gives both the TypeScript types and the
 * published JSON Schema (runbooks/runbook.schema.json), so the editor, the validator and
 * the interpreter can never disagree about the shape of a runbook.
 *
 * workflows/ import only types from here: TypeBox must stay out of the workflow bundle, where
 * every module is evaluated again for each cached run (step-kinds.ts holds what they need).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export { STEP_KIND_KEYS, STEP_KIND_OF_KEY, childSequences, stepKind, type StepKind, type StepKindKey } from './step-kinds';

export const API_VERSION = 'genie.dev/v1';
export const RUNBOOK_KINDS = ['incident', 'canary', 'chaos', 'failover', 'self-healing', 'generic'] as const;

/** `500ms`, `30s`, `5m`, `1h`, `1d`, combinations like `1h30m`, or an expression. */
export const Duration = Type.String({
  description: 'Human duration: 500ms, 30s, 5m, 1h, 1d, or combinations such as 1h30m',
  examples: ['30s', '5m', '1h30m'],
});

/** A JSONata expression written as the whole string: "{% $params.x > 3 %}". */
export const Expression = Type.String({
  description: 'JSONata expression written as a whole string: "{% ... %}"',
  pattern: '^\\s*\\{%[\\s\\S]*%\\}\\s*$',
});

export const StepId = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  maxLength: 64,
  description: 'Unique id (letters, digits, underscore); referenced as $steps.<id>',
});

export const RetryPolicy = Type.Object(
  {
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Total attempts including the first' })),
    initialInterval: Type.Optional(Duration),
    backoff: Type.Optional(Type.Number({ minimum: 1, maximum: 100, description: 'Multiplier applied to the interval after each attempt' })),
    maxInterval: Type.Optional(Duration),
    nonRetryable: Type.Optional(Type.Array(Type.String(), { description: 'Error codes that end retries at once' })),
  },
  { additionalProperties: false },
);

export const ParamSpec = Type.Object(
  {
    type: Type.Union(['string', 'number', 'boolean', 'duration', 'enum', 'object'].map((t) => Type.Literal(t))),
    description: Type.Optional(Type.String()),
    default: Type.Optional(Type.Unknown()),
    required: Type.Optional(Type.Boolean()),
    secret: Type.Optional(Type.Boolean({ description: 'Masked as *** in state, summaries, logs and CLI output' })),
    values: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number()]), { minItems: 1, description: 'Allowed values (type: enum)' })),
  },
  { additionalProperties: false },
);

/** Fields every step may carry, whatever its kind. */
const common = {
  id: StepId,
  name: Type.Optional(Type.String({ description: 'Human title shown in the UI and CLI' })),
  if: Type.Optional(Expression),
  timeout: Type.Optional(Duration),
  retry: Type.Optional(RetryPolicy),
  onError: Type.Optional(
    Type.String({
      description: 'fail (default), continue, wait (hold for an operator: retry, skip or abort), or the id of a handler step',
    }),
  ),
  summary: Type.Optional(Type.String({ description: 'Shown as the activity summary in the Temporal UI' })),
};

const StepRef = Type.Ref('Step');
const Steps = Type.Array(StepRef, { minItems: 1 });

export const ActionStep = Type.Object(
  { ...common, action: Type.String({ pattern: '^[a-z][a-zA-Z0-9]*\\.[a-z][a-zA-Z0-9]*$' }), with: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
  { additionalProperties: false },
);
export const SleepStep = Type.Object({ ...common, sleep: Duration }, { additionalProperties: false });
export const ApprovalStep = Type.Object(
  {
    ...common,
    approval: Type.Object(
      {
        message: Type.Optional(Type.String()),
        approvers: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Identities, or group:<name>' })),
        minApprovals: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        separationOfDuties: Type.Optional(Type.Boolean({ description: 'The requester of the run may not approve it' })),
        timeout: Type.Optional(Duration),
        onTimeout: Type.Optional(Type.Union([Type.Literal('reject'), Type.Literal('approve'), Type.Literal('escalate')])),
        escalateTo: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Approvers added when onTimeout: escalate' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const ParallelStep = Type.Object(
  {
    ...common,
    parallel: Type.Object(
      {
        branches: Type.Array(Type.Object({ name: Type.Optional(Type.String()), steps: Steps }, { additionalProperties: false }), { minItems: 1 }),
        failFast: Type.Optional(Type.Boolean()),
        maxConcurrency: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
/** `if` with `then` is a branch; `if` alone on another kind is a guard. */
export const IfStep = Type.Object(
  { ...common, if: Expression, then: Steps, else: Type.Optional(Steps) },
  { additionalProperties: false },
);
export const SwitchStep = Type.Object(
  {
    ...common,
    switch: Type.Object(
      {
        cases: Type.Array(Type.Object({ when: Expression, steps: Steps }, { additionalProperties: false }), { minItems: 1 }),
        default: Type.Optional(Steps),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const ForEachStep = Type.Object(
  {
    ...common,
    forEach: Type.Object(
      {
        items: Type.Union([Expression, Type.Array(Type.Unknown())]),
        as: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Variable name for the item (default item): $item' })),
        maxConcurrency: Type.Optional(Type.Integer({ minimum: 1 })),
        maxErrors: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?%$' })])),
        steps: Steps,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const UntilStep = Type.Object(
  {
    ...common,
    until: Type.Object(
      {
        condition: Expression,
        interval: Duration,
        maxAttempts: Type.Optional(Type.Integer({ minimum: 1 })),
        timeout: Type.Optional(Duration),
        steps: Steps,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const RunbookStep = Type.Object(
  {
    ...common,
    runbook: Type.Object(
      { name: Type.String({ minLength: 1 }), params: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const FailStep = Type.Object(
  {
    ...common,
    fail: Type.Object(
      { message: Type.String({ minLength: 1 }), code: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' })) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const Step = Type.Union(
  [ActionStep, SleepStep, ApprovalStep, ParallelStep, IfStep, SwitchStep, ForEachStep, UntilStep, RunbookStep, FailStep],
  { $id: 'Step' },
);

export const Runbook = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Union(RUNBOOK_KINDS.map((k) => Type.Literal(k))),
    metadata: Type.Object(
      {
        name: Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', maxLength: 63, description: 'DNS-style name; how runs refer to this runbook' }),
        version: Type.String({ minLength: 1, description: 'Recorded with every run, e.g. 1.2.0' }),
        description: Type.Optional(Type.String()),
        owner: Type.Optional(Type.String()),
        labels: Type.Optional(Type.Record(Type.String(), Type.String())),
        target: Type.Optional(Type.String({ description: 'What this runbook acts on; searchable as RunbookTarget (may be an expression)' })),
      },
      { additionalProperties: false },
    ),
    params: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), ParamSpec)),
    defaults: Type.Optional(
      Type.Object({ timeout: Type.Optional(Duration), retry: Type.Optional(RetryPolicy), onError: Type.Optional(Type.String()) }, { additionalProperties: false }),
    ),
    steps: Steps,
    onFailure: Type.Optional(Steps),
    outputs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, $id: 'Runbook' },
);

export type RetryPolicy = Static<typeof RetryPolicy>;
export type ParamSpec = Static<typeof ParamSpec>;
/** Static<> cannot follow Type.Ref, so the recursive step type is spelled out by hand. */
type Common = { id: string; name?: string; if?: string; timeout?: string; retry?: RetryPolicy; onError?: string; summary?: string };
export type ActionStep = Common & { action: string; with?: Record<string, unknown> };
export type SleepStep = Common & { sleep: string };
export type ApprovalSpec = Static<typeof ApprovalStep>['approval'];
export type ApprovalStep = Common & { approval: ApprovalSpec };
export type ParallelStep = Common & { parallel: { branches: { name?: string; steps: Step[] }[]; failFast?: boolean; maxConcurrency?: number } };
export type IfStep = Common & { if: string; then: Step[]; else?: Step[] };
export type SwitchStep = Common & { switch: { cases: { when: string; steps: Step[] }[]; default?: Step[] } };
export type ForEachStep = Common & {
  forEach: { items: string | unknown[]; as?: string; maxConcurrency?: number; maxErrors?: number | string; steps: Step[] };
};
export type UntilStep = Common & { until: { condition: string; interval: string; maxAttempts?: number; timeout?: string; steps: Step[] } };
export type RunbookStep = Common & { runbook: { name: string; params?: Record<string, unknown> } };
export type FailStep = Common & { fail: { message: string; code?: string } };
export type Step = ActionStep | SleepStep | ApprovalStep | ParallelStep | IfStep | SwitchStep | ForEachStep | UntilStep | RunbookStep | FailStep;

export type Runbook = Omit<Static<typeof Runbook>, 'steps' | 'onFailure'> & { steps: Step[]; onFailure?: Step[] };

/** Default timeout and retry an action declares in the registry; the interpreter needs them, not the code. */
export interface ActionDefaults {
  timeout: string;
  retry?: RetryPolicy;
}

/**
 * What a run executes: the document as validated, pinned with where it came from and its
 * sha256, plus the defaults of each action it uses (so the workflow never imports activities).
 */
export interface ResolvedRunbook {
  definition: Runbook;
  sha256: string;
  source: string;
  actions: Record<string, ActionDefaults>;
  /** group:<name> → members, as configured on the worker when the run was resolved. */
  groups: Record<string, string[]>;
}

export type { TSchema };
