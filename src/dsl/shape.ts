/**
 * Shape checks: the document against the Runbook schema, then each step against the schema
 * of its one kind. The Step union is never validated as a union: its ten alternatives would
 * each report their own errors, and the author would have to guess which one they meant.
 * Pure.
 */
import { plainSchema, STEP_SCHEMAS } from './json-schema';
import type { Report } from './issues';
import { compiledValidator, schemaIssues } from './schema-errors';
import type { StepNode, StepTree } from './step-tree';
import { closest, listOf } from './suggest';
import { Runbook, STEP_KIND_KEYS } from './types';

/** Nested steps are checked one by one, so the schemas accept anything where a step goes. */
const ANY_STEP = {};
const COMMON_FIELDS = new Set(['id', 'name', 'if', 'timeout', 'retry', 'onError', 'summary']);

export function checkShape(document: unknown, tree: StepTree, report: Report): void {
  const top = compiledValidator(Runbook, () => plainSchema(Runbook, ANY_STEP));
  for (const issue of schemaIssues(top, document, { base: [], where: 'the runbook', noun: 'field' })) report(issue);
  for (const step of tree.all) checkStep(step, report);
}

function checkStep(step: StepNode, report: Report): void {
  const { raw, kindKeys } = step;
  if (kindKeys.length === 0) {
    report({ code: 'STEP_KIND_MISSING', path: step.path, target: 'node', stepId: step.id, ...missingKind(step) });
    return;
  }
  if (kindKeys.length > 1) {
    const [first, second] = kindKeys;
    report({
      code: 'STEP_KIND_AMBIGUOUS',
      path: [...step.path, second],
      target: 'key',
      stepId: step.id,
      message: `${step.label} has ${kindKeys.length} kinds (${listOf(kindKeys)}); a step has exactly one`,
      hint: `split it into two steps: one with '${first}', another with '${second}'`,
    });
    return;
  }
  const kind = kindKeys[0];
  const schema = STEP_SCHEMAS[kind];
  const validate = compiledValidator(schema, () => plainSchema(schema, ANY_STEP));
  for (const issue of schemaIssues(validate, raw, { base: step.path, where: step.label, noun: 'field', stepId: step.id })) {
    // A malformed action name is reported once, as UNKNOWN_ACTION with a suggestion.
    if (kind === 'action' && issue.code === 'SCHEMA_PATTERN' && issue.path.length === step.path.length + 1 && issue.path[issue.path.length - 1] === 'action')
      continue;
    report(issue);
  }
}

function missingKind(step: StepNode): { message: string; hint: string } {
  const kinds = listOf(STEP_KIND_KEYS);
  const strangers = Object.keys(step.raw).filter((key) => !COMMON_FIELDS.has(key));
  for (const key of strangers) {
    const kind = closest(key, STEP_KIND_KEYS);
    if (kind) {
      return {
        message: `${step.label} has no kind: '${key}' is not a step kind (did you mean '${kind}'?)`,
        hint: `rename '${key}' to '${kind}'; a step carries exactly one of: ${kinds}`,
      };
    }
  }
  if ('if' in step.raw || 'else' in step.raw) {
    return {
      message: `${step.label} has an 'if' but no 'then' (an if-step needs then:; a guard needs another kind)`,
      hint: `add 'then:' with the steps to run when the condition holds, or one of: ${kinds}`,
    };
  }
  return { message: `${step.label} has no kind`, hint: `add exactly one of: ${kinds}` };
}
