/**
 * Checks across steps that a JSON Schema cannot express: unique ids, onError targets,
 * durations, parameter declarations and approval quorums. Each reports every problem it
 * finds, never only the first. Pure.
 */
import { isDuration } from './duration';
import { isRecord, jsonType, shown, type Report } from './issues';
import type { PathSegment } from './parse';
import { sequences, type StepTree } from './step-tree';
import { didYouMean, listOf } from './suggest';

export const ONERROR_KEYWORDS = ['fail', 'continue', 'wait'] as const;

/** Ids are unique across the whole document: $steps.<id> and onError must name one step. */
export function checkDuplicateIds(tree: StepTree, lineOf: (path: PathSegment[]) => number, report: Report): void {
  const first = new Map<string, PathSegment[]>();
  for (const step of tree.all) {
    if (step.id === undefined) continue;
    const earlier = first.get(step.id);
    if (!earlier) {
      first.set(step.id, [...step.path, 'id']);
      continue;
    }
    report({
      code: 'DUPLICATE_STEP_ID',
      path: [...step.path, 'id'],
      stepId: step.id,
      message: `duplicate step id '${step.id}' (first defined at line ${lineOf(earlier)})`,
      hint: `rename one of them; ids are unique across the whole runbook, nested steps and onFailure included`,
    });
  }
}

/**
 * onError is a keyword or a handler: a later step of the same sequence (the interpreter
 * continues there, skipping the steps in between). defaults.onError must be a keyword.
 */
export function checkOnError(document: Record<string, unknown>, tree: StepTree, report: Report): void {
  const ids = [...new Set(tree.all.map((s) => s.id).filter((id): id is string => id !== undefined))];
  const known = new Set<string>([...ONERROR_KEYWORDS, ...ids]);
  const sample = ids.length > 10 ? `${listOf(ids.slice(0, 10))}, ...` : listOf(ids);
  const unknown = (value: string, path: PathSegment[], owner: string, stepId?: string) =>
    report({
      code: 'ONERROR_TARGET',
      path,
      stepId,
      message: `onError of ${owner} is ${shown(value)}, which is neither fail, continue, wait nor a step id${didYouMean(value, known)}`,
      hint: `use fail, continue, wait, or the id of a handler step${ids.length ? ` (${sample})` : ''}`,
    });

  const fallback = isRecord(document.defaults) ? document.defaults.onError : undefined;
  if (typeof fallback === 'string' && !(ONERROR_KEYWORDS as readonly string[]).includes(fallback)) {
    if (!known.has(fallback)) unknown(fallback, ['defaults', 'onError'], 'defaults');
    else {
      // A handler must be a later step of the failing step's own list; no one step is that for every step.
      report({
        code: 'ONERROR_TARGET',
        path: ['defaults', 'onError'],
        message: `defaults.onError names step '${fallback}', but a handler must be a later step in the same list as the step that fails, which differs from step to step`,
        hint: `use fail, continue or wait here, and set onError: ${fallback} on the steps before it that it handles`,
      });
    }
  }
  for (const sequence of sequences(tree)) {
    sequence.steps.forEach((step, index) => {
      const value = step.raw.onError;
      if (typeof value !== 'string' || (ONERROR_KEYWORDS as readonly string[]).includes(value)) return; // the schema reports non-strings
      const path = [...step.path, 'onError'];
      if (!known.has(value)) return unknown(value, path, step.label, step.id);
      const later = sequence.steps.slice(index + 1).map((s) => s.id);
      if (later.includes(value)) return;
      const where = value === step.id ? 'the step itself' : `'${value}', which is not a later step of the same list of steps`;
      const candidates = later.filter((id): id is string => id !== undefined);
      report({
        code: 'ONERROR_TARGET',
        path,
        stepId: step.id,
        message: `onError of ${step.label} names ${where}`,
        hint: `a handler must come after the failing step in the same list (the run continues there)${candidates.length ? `: one of ${listOf(candidates)}` : ''}; or use fail, continue or wait`,
      });
    });
  }
}

const STEP_DURATIONS: PathSegment[][] = [
  ['timeout'],
  ['sleep'],
  ['approval', 'timeout'],
  ['until', 'interval'],
  ['until', 'timeout'],
  ['retry', 'initialInterval'],
  ['retry', 'maxInterval'],
  ['pause', 'duration'],
  ['analysis', 'interval'],
  ['analysis', 'initialDelay'],
  ['analysis', 'inconclusive', 'timeout'],
];
const DOCUMENT_DURATIONS: PathSegment[][] = [
  ['defaults', 'timeout'],
  ['defaults', 'retry', 'initialInterval'],
  ['defaults', 'retry', 'maxInterval'],
];
const DURATION_HINT = 'write a duration such as 500ms, 30s, 5m, 1h, 1d or 1h30m, or an expression "{% ... %}"';

function get(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) node = isRecord(node) ? node[segment as string] : undefined;
  return node;
}

/** Durations are strings in the schema; here they must also parse (unless evaluated at run time). */
export function checkDurations(document: Record<string, unknown>, tree: StepTree, report: Report): void {
  const check = (value: unknown, path: PathSegment[], field: string, owner: string, stepId?: string) => {
    if (typeof value !== 'string' || value.includes('{%') || isDuration(value)) return; // expressions (and partial ones) are checked elsewhere
    report({ code: 'BAD_DURATION', path, stepId, message: `'${field}' of ${owner} is ${shown(value)}, which is not a duration`, hint: DURATION_HINT });
  };
  for (const rel of DOCUMENT_DURATIONS) check(get(document, rel), rel, rel.join('.'), 'the runbook');
  for (const step of tree.all) {
    for (const rel of STEP_DURATIONS) check(get(step.raw, rel), [...step.path, ...rel], rel.join('.'), step.label, step.id);
  }
}

/** Declarations that contradict themselves; a run could never satisfy them. */
export function checkParamDeclarations(document: Record<string, unknown>, report: Report): void {
  if (!isRecord(document.params)) return;
  for (const [name, spec] of Object.entries(document.params)) {
    if (!isRecord(spec)) continue;
    const path: PathSegment[] = ['params', name];
    const values = Array.isArray(spec.values) ? spec.values : undefined;
    if (spec.type === 'enum' && !values) {
      report({
        code: 'BAD_PARAM',
        path,
        target: 'key',
        message: `param '${name}' has type enum but no values`,
        hint: 'add values: [a, b, c] listing the allowed values',
      });
    }
    if (spec.values !== undefined && spec.type !== 'enum') {
      report({
        code: 'BAD_PARAM',
        path: [...path, 'values'],
        target: 'key',
        message: `param '${name}' lists values but its type is ${shown(spec.type)}`,
        hint: 'use type: enum, or remove values',
      });
    }
    if (spec.required === true && spec.default !== undefined) {
      // A default makes the parameter optional; "required" with one is a contradiction, not a style issue.
      report({
        code: 'BAD_PARAM',
        path: [...path, 'required'],
        target: 'key',
        message: `param '${name}' is required and also has a default`,
        hint: 'remove required: true (the default already makes it optional) or remove the default',
      });
    }
    if (spec.default !== undefined) checkDefault(name, spec, values, path, report);
  }
}

function checkDefault(name: string, spec: Record<string, unknown>, values: unknown[] | undefined, path: PathSegment[], report: Report): void {
  const value = spec.default;
  const at = [...path, 'default'];
  const wrong = (expected: string) =>
    report({
      code: 'PARAM_DEFAULT_TYPE',
      path: at,
      message: `default of param '${name}' is ${shown(value)} (${jsonType(value)}), but its type is ${String(spec.type)}`,
      hint: `write ${expected} as the default, or change the type`,
    });
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') wrong('a string');
      break;
    case 'number':
      if (typeof value !== 'number') wrong('a number');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('true or false');
      break;
    case 'object':
      if (!isRecord(value)) wrong('a mapping');
      break;
    case 'list':
      if (!Array.isArray(value)) wrong('a list');
      break;
    case 'duration':
      if (typeof value !== 'string') wrong('a duration string such as 30s');
      else if (!isDuration(value))
        report({ code: 'BAD_DURATION', path: at, message: `default of param '${name}' is ${shown(value)}, which is not a duration`, hint: DURATION_HINT });
      break;
    case 'enum':
      if (values && !values.includes(value as string | number)) {
        report({
          code: 'PARAM_DEFAULT_TYPE',
          path: at,
          message: `default of param '${name}' is ${shown(value)}, which is not one of its values (${listOf(values.map(String))})${typeof value === 'string' ? didYouMean(value, values.map(String)) : ''}`,
          hint: 'use one of the listed values as the default, or add it to values',
        });
      }
      break;
    default:
      break; // an unknown type is a schema error
  }
}

/** An approval that can never pass, or an escalation that goes nowhere. */
export function checkApprovals(tree: StepTree, report: Report): void {
  for (const step of tree.all) {
    const approval = step.raw.approval;
    if (step.kindKeys.length !== 1 || !isRecord(approval)) continue;
    const base = [...step.path, 'approval'];
    const approvers = Array.isArray(approval.approvers) ? approval.approvers.filter((a): a is string => typeof a === 'string') : undefined;
    const individuals = approvers && approvers.every((a) => !a.startsWith('group:'));
    if (approvers && individuals && typeof approval.minApprovals === 'number' && approval.minApprovals > new Set(approvers).size) {
      report({
        code: 'APPROVAL_QUORUM',
        path: [...base, 'minApprovals'],
        stepId: step.id,
        message: `${step.label} needs ${approval.minApprovals} approvals but lists only ${new Set(approvers).size} distinct approver(s)`,
        hint: `lower minApprovals to at most ${new Set(approvers).size}, add approvers, or use a group:<name> approver`,
      });
    }
    if (approval.escalateTo !== undefined && approval.onTimeout !== 'escalate') {
      report({
        code: 'APPROVAL_ESCALATION',
        path: [...base, 'escalateTo'],
        target: 'key',
        stepId: step.id,
        message: `${step.label} has escalateTo but onTimeout is ${approval.onTimeout === undefined ? 'not set' : shown(approval.onTimeout)}`,
        hint: 'set onTimeout: escalate (and a timeout), or remove escalateTo',
      });
    }
    if (approval.onTimeout === 'escalate' && approval.escalateTo === undefined) {
      report({
        code: 'APPROVAL_ESCALATION',
        path: [...base, 'onTimeout'],
        stepId: step.id,
        message: `${step.label} escalates on timeout but has no escalateTo`,
        hint: 'add escalateTo: [approvers or group:<name>] to say who is asked when the approval times out',
      });
    }
  }
}

/** Variables every expression already has; a loop variable of the same name would hide them. */
export const RESERVED_VARIABLES = ['steps', 'params', 'run', 'error', 'index', 'attempt'] as const;

export function checkLoopVariables(tree: StepTree, report: Report): void {
  for (const step of tree.all) {
    const loop = step.raw.forEach;
    if (step.kindKeys[0] !== 'forEach' || !isRecord(loop) || typeof loop.as !== 'string') continue;
    if (!(RESERVED_VARIABLES as readonly string[]).includes(loop.as)) continue;
    report({
      code: 'RESERVED_NAME',
      path: [...step.path, 'forEach', 'as'],
      stepId: step.id,
      message: `forEach.as of ${step.label} is '${loop.as}', which would hide $${loop.as} inside the loop`,
      hint: `pick another name (e.g. ${loop.as === 'steps' ? 'stepItem' : 'item'}); reserved: ${listOf(RESERVED_VARIABLES)}`,
    });
  }
}
