/**
 * The runbook document model. One TypeBox source gives both the TypeScript types and the
 * published JSON Schema (runbooks/runbook.schema.json), so the editor, the validator and
 * the interpreter can never disagree about the shape of a runbook.
 *
 * workflows/ import only types from here: TypeBox must stay out of the workflow bundle, where
 * every module is evaluated again for each cached run (step-kinds.ts holds what they need).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

import { DOMAIN_SIGNALS, type DomainSignal, type STEP_KINDS, type StepKind } from './step-kinds';

export {
  DOMAIN_SIGNALS,
  STEP_KINDS,
  STEP_KIND_KEYS,
  STEP_KIND_OF_KEY,
  childSequences,
  stepKind,
  type DomainSignal,
  type StepKind,
  type StepKindKey,
} from './step-kinds';

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
    type: Type.Union(['string', 'number', 'boolean', 'duration', 'enum', 'object', 'list'].map((t) => Type.Literal(t))),
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
export const IfStep = Type.Object({ ...common, if: Expression, then: Steps, else: Type.Optional(Steps) }, { additionalProperties: false });
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

export const PauseStep = Type.Object(
  {
    ...common,
    pause: Type.Object(
      {
        duration: Type.Optional(Duration),
        message: Type.Optional(Type.String()),
        endOn: Type.Optional(
          Type.Array(Type.Union(DOMAIN_SIGNALS.map((s) => Type.Literal(s))), {
            minItems: 1,
            description: 'Overrides that end the pause early (default [promote]); without a duration the pause waits only for them',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const AnalysisProvider = Type.Union([Type.Literal('router'), Type.Literal('prometheus')], { description: 'Where measurements come from (default router)' });
/** A router query is {pool, route?, metric, window?}; a Prometheus query is PromQL text. */
const AnalysisQuery = Type.Union([Type.String({ minLength: 1 }), Type.Record(Type.String(), Type.Unknown())]);

export const AnalysisMetric = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    provider: Type.Optional(AnalysisProvider),
    query: AnalysisQuery,
    successCondition: Type.Optional(Expression),
    failureCondition: Type.Optional(Expression),
    failureLimit: Type.Optional(Type.Integer({ minimum: 0, description: 'Failed measurements tolerated before the metric fails (default 0)' })),
    inconclusiveLimit: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Inconclusive measurements (no data, neither condition met) tolerated (default 0)' }),
    ),
    consecutiveErrorLimit: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Provider errors in a row tolerated before the analysis errors (default 4); an error is not a failure' }),
    ),
  },
  { additionalProperties: false },
);

export const JudgeMetric = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    provider: Type.Optional(AnalysisProvider),
    query: AnalysisQuery,
    direction: Type.Optional(
      Type.Union([Type.Literal('increase'), Type.Literal('decrease'), Type.Literal('either')], { description: 'Which change is bad (default increase)' }),
    ),
    tolerance: Type.Optional(Type.Number({ minimum: 0, description: 'Relative change of the median tolerated even when significant (default 0.1)' })),
    absoluteTolerance: Type.Optional(
      Type.Number({ minimum: 0, description: 'Absolute change of the median tolerated (the only one that helps when the baseline is 0, e.g. an error rate)' }),
    ),
    critical: Type.Optional(Type.Boolean({ description: 'A critical metric failing fails the whole judgement' })),
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);

export const AnalysisStep = Type.Object(
  {
    ...common,
    analysis: Type.Object(
      {
        provider: Type.Optional(AnalysisProvider),
        address: Type.Optional(Type.String({ minLength: 1, description: 'Router admin URL or Prometheus base URL (default: the worker setting)' })),
        interval: Type.Optional(Duration),
        count: Type.Optional(
          Type.Union([Type.Integer({ minimum: 1 }), Expression], { description: 'Measurements per metric (default 1; unbounded for a background analysis)' }),
        ),
        initialDelay: Type.Optional(Duration),
        background: Type.Optional(
          Type.Boolean({ description: 'Run alongside the following steps of the same list, failing them the moment the analysis fails' }),
        ),
        metrics: Type.Optional(Type.Array(AnalysisMetric, { minItems: 1 })),
        judge: Type.Optional(
          Type.Object(
            {
              baseline: Type.String({ minLength: 1, description: 'Baseline pool (router) or the value of {{pool}} in Prometheus queries' }),
              canary: Type.String({ minLength: 1 }),
              metrics: Type.Array(JudgeMetric, { minItems: 1 }),
              confidence: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Mann-Whitney confidence (default 0.98)' })),
              pass: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Score at or above which the canary passes (default 95)' })),
              marginal: Type.Optional(
                Type.Number({ minimum: 0, maximum: 100, description: 'Score below which it fails; between is inconclusive (default 75)' }),
              ),
              minSamples: Type.Optional(Type.Integer({ minimum: 1 })),
            },
            { additionalProperties: false },
          ),
        ),
        inconclusive: Type.Optional(
          Type.Object(
            {
              timeout: Type.Optional(Duration),
              default: Type.Optional(
                Type.Union([Type.Literal('fail'), Type.Literal('pass')], { description: 'What an unanswered inconclusive verdict becomes (default fail)' }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const Step = Type.Union(
  [ActionStep, SleepStep, ApprovalStep, ParallelStep, IfStep, SwitchStep, ForEachStep, UntilStep, RunbookStep, FailStep, PauseStep, AnalysisStep],
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
      Type.Object(
        { timeout: Type.Optional(Duration), retry: Type.Optional(RetryPolicy), onError: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    steps: Steps,
    onFailure: Type.Optional(Steps),
    finally: Type.Optional(Steps),
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
export type PauseStep = Common & { pause: { duration?: string; message?: string; endOn?: DomainSignal[] } };
export type AnalysisMetric = Static<typeof AnalysisMetric>;
export type JudgeMetric = Static<typeof JudgeMetric>;
export type AnalysisSpec = Static<typeof AnalysisStep>['analysis'];
export type AnalysisStep = Common & { analysis: AnalysisSpec };
/**
 * The shape of each step kind: a step is the one shape its kind names. Checked against
 * STEP_KINDS both ways, so a kind without a shape, a shape without a kind, or a shape that
 * lacks its kind's key does not compile.
 */
export type StepOfKind = ShapesOfKinds<{
  action: ActionStep;
  sleep: SleepStep;
  approval: ApprovalStep;
  parallel: ParallelStep;
  if: IfStep;
  switch: SwitchStep;
  forEach: ForEachStep;
  until: UntilStep;
  runbook: RunbookStep;
  fail: FailStep;
  pause: PauseStep;
  analysis: AnalysisStep;
}>;
type ShapesOfKinds<T extends { [K in StepKind]: Common & Record<(typeof STEP_KINDS)[K], unknown> } & Record<Exclude<keyof T, StepKind>, never>> = T;
export type StepOf<K extends StepKind> = StepOfKind[K];
export type Step = StepOfKind[StepKind];

export type Runbook = Omit<Static<typeof Runbook>, 'steps' | 'onFailure' | 'finally'> & { steps: Step[]; onFailure?: Step[]; finally?: Step[] };

/** Default timeout and retry an action declares in the registry; the interpreter needs them, not the code. */
export interface ActionDefaults {
  timeout: string;
  retry?: RetryPolicy;
  /**
   * For long-running actions that heartbeat: how long without a heartbeat before Temporal
   * counts the attempt as lost (a dead worker) and retries it elsewhere — seconds instead of
   * the whole attempt timeout.
   */
  heartbeat?: string;
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
