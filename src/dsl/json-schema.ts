/**
 * Plain JSON Schema from the TypeBox types: what the validator compiles with ajv, and the
 * publishable runbooks/runbook.schema.json editors use for completion. Both come from the
 * same transform, so the editor and `genie validate` agree. Pure: no Node built-ins.
 */
import type { TSchema } from '@sinclair/typebox';
import {
  ActionStep,
  AnalysisStep,
  API_VERSION,
  ApprovalStep,
  PauseStep,
  FailStep,
  ForEachStep,
  IfStep,
  ParallelStep,
  Runbook,
  RunbookStep,
  SleepStep,
  STEP_KIND_KEYS,
  SwitchStep,
  UntilStep,
  type StepKindKey,
} from './types';

export type JsonSchema = { [key: string]: unknown };

/** The schema of each step kind, by the key that names the kind. */
export const STEP_SCHEMAS: Record<StepKindKey, TSchema> = {
  action: ActionStep,
  sleep: SleepStep,
  approval: ApprovalStep,
  parallel: ParallelStep,
  then: IfStep,
  switch: SwitchStep,
  forEach: ForEachStep,
  until: UntilStep,
  runbook: RunbookStep,
  fail: FailStep,
  pause: PauseStep,
  analysis: AnalysisStep,
};

const CATCH_ALL = '^(.*)$';

/**
 * A JSON copy (TypeBox's symbol keys dropped) with three fixes applied everywhere:
 * - unions of string literals become `enum`;
 * - `{$ref: 'Step'}` becomes `stepRef` (a real pointer when publishing, `{}` when the
 *   validator checks steps one at a time);
 * - records with a key pattern (params names) get `additionalProperties: false`, because
 *   TypeBox only emits `patternProperties`, which lets any other key through.
 */
export function plainSchema(schema: TSchema, stepRef: JsonSchema): JsonSchema {
  const copy = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const object = node as JsonSchema;
    if (object.$ref === 'Step') return { ...stepRef };
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(object)) out[key] = visit(value);
    // A union of literals reads better as an enum, in editors and in error messages.
    const alternatives = out.anyOf as JsonSchema[] | undefined;
    if (alternatives?.length && alternatives.every((a) => 'const' in a && typeof a.const === 'string')) {
      delete out.anyOf;
      out.type = 'string';
      out.enum = alternatives.map((a) => a.const);
    }
    const patterns = out.patternProperties as JsonSchema | undefined;
    if (patterns && !(CATCH_ALL in patterns) && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  const result = visit(copy) as JsonSchema;
  delete result.$id;
  return result;
}

/** What each kind is for, shown by editors on hover and completion. */
const KIND_DOCS: Record<StepKindKey, [title: string, description: string]> = {
  action: ['action step', 'Runs a registered action (`<domain>.<verb>`) as a Temporal activity, with arguments under `with:`.'],
  sleep: ['sleep step', 'Waits for a duration (durable timer), e.g. `sleep: 30s`.'],
  approval: ['approval step', 'Waits for M-of-N operator approvals; `timeout` with `onTimeout: reject | approve | escalate`.'],
  parallel: ['parallel step', 'Runs branches concurrently; each branch is a list of steps.'],
  then: ['if step', 'Runs `then:` when `if:` is true, otherwise `else:`. (`if` on any other step is a guard.)'],
  switch: ['switch step', 'Runs the steps of the first case whose `when:` is true, else `default:`.'],
  forEach: ['forEach step', 'Runs `steps:` once per item of `items:` (a list or an expression), the item bound to `$item` (or `as:`).'],
  until: ['until step', 'Repeats `steps:` every `interval` until `condition` is true (bounded by maxAttempts / timeout).'],
  runbook: ['runbook step', 'Runs another runbook by name as a child workflow, with `params:`.'],
  fail: ['fail step', 'Ends the run as failed with `message` (and an optional `code`).'],
  pause: ['pause step', 'Waits for `duration`, or until an operator override in `endOn` (default promote) ends it early.'],
  analysis: [
    'analysis step',
    'Measures metrics every `interval` against success/failure conditions and optionally judges canary vs baseline (Mann-Whitney); `background: true` runs it alongside the following steps.',
  ],
};

/** Descriptions for top-level fields that the TypeBox types leave undocumented. */
const TOP_DOCS: Record<string, string> = {
  $schema: 'Path or URL of this schema, for editors.',
  apiVersion: `Version of the runbook format; must be ${API_VERSION}.`,
  kind: 'What sort of procedure this is; searchable as RunbookKind.',
  metadata: 'Name, version and ownership of the runbook.',
  params: 'Parameters a run accepts, by name; referenced as $params.<name>.',
  defaults: 'Timeout, retry policy and onError applied to every step that does not set its own.',
  steps: 'The procedure, run in order.',
  onFailure: 'Steps run when the procedure fails (rollback, notification); they may reference any step.',
  finally:
    'Steps that always run last, whatever happened (success, failure, abort, emergency stop), and that nothing can cancel: fault removal, cleanup. $status and $error say how the run went.',
  outputs: 'The run result: values or expressions over $steps and $params.',
};

function describe(schema: JsonSchema, title: string, description: string): JsonSchema {
  return { title, description, markdownDescription: description, ...schema };
}

/** The published JSON Schema (draft 2020-12), with the recursive Step union under $defs. */
export function buildPublishedSchema(): JsonSchema {
  const stepRef = { $ref: '#/$defs/Step' };
  const root = plainSchema(Runbook, stepRef);
  const properties = root.properties as Record<string, JsonSchema>;
  for (const [field, text] of Object.entries(TOP_DOCS)) {
    if (properties[field] && properties[field].description === undefined) properties[field] = { description: text, ...properties[field] };
  }
  const alternatives = STEP_KIND_KEYS.map((key) => describe(plainSchema(STEP_SCHEMAS[key], stepRef), ...KIND_DOCS[key]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Genie runbook',
    description:
      'A reliability procedure run as a durable Temporal workflow. Each step has an id and exactly one kind key: ' +
      `${STEP_KIND_KEYS.join(', ')}. Expressions are JSONata written as a whole string: "{% ... %}".`,
    ...root,
    $defs: {
      Step: { description: 'One step: an id and exactly one kind key.', anyOf: alternatives },
    },
  };
}
