/**
 * The steps of a (possibly invalid) document as a tree with paths, built tolerantly so
 * every check can run even when some steps are malformed. Also where the nesting and
 * step-count limits are enforced: the walk stops there, which keeps every later check
 * bounded. Pure.
 */
import { dotted, isRecord, type Report } from './issues';
import type { PathSegment } from './parse';
import { STEP_KIND_KEYS, type StepKindKey } from './types';

export const MAX_DEPTH = 32;
export const MAX_STEPS = 1000;

export interface StepNode {
  raw: Record<string, unknown>;
  path: PathSegment[];
  /** The id when it is a string (validity is the schema's business). */
  id?: string;
  /** "step 'probe'", or "step at steps[2]" when it has no usable id. */
  label: string;
  kindKeys: StepKindKey[];
  /** 1 for top-level steps. */
  depth: number;
  children: SequenceNode[];
  /** The step whose body holds this one (undefined at top level). */
  parent?: StepNode;
}

export interface SequenceNode {
  path: PathSegment[];
  steps: StepNode[];
}

export interface StepTree {
  steps?: SequenceNode;
  onFailure?: SequenceNode;
  finally?: SequenceNode;
  /** Every step, in document order (steps first, then onFailure). */
  all: StepNode[];
}

/** Where the nested step lists of a step are, by its kind. Only lists that are arrays. */
function childPaths(raw: Record<string, unknown>, kind: StepKindKey): PathSegment[][] {
  const body = raw[kind];
  const lists: PathSegment[][] = [];
  const addIf = (value: unknown, path: PathSegment[]) => {
    if (Array.isArray(value)) lists.push(path);
  };
  const each = (items: unknown, key: string, field: string) => {
    if (Array.isArray(items)) items.forEach((item, i) => isRecord(item) && addIf(item[field], [kind, key, i, field]));
  };
  switch (kind) {
    case 'then':
      addIf(raw.then, ['then']);
      addIf(raw.else, ['else']);
      break;
    case 'parallel':
      if (isRecord(body)) each(body.branches, 'branches', 'steps');
      break;
    case 'switch':
      if (isRecord(body)) {
        each(body.cases, 'cases', 'steps');
        addIf(body.default, [kind, 'default']);
      }
      break;
    case 'forEach':
    case 'until':
      if (isRecord(body)) addIf(body.steps, [kind, 'steps']);
      break;
    default:
      break;
  }
  return lists;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) node = isRecord(node) || Array.isArray(node) ? (node as Record<string, unknown>)[segment as string] : undefined;
  return node;
}

export function buildStepTree(document: Record<string, unknown>, report: Report): StepTree {
  const all: StepNode[] = [];
  let depthReported = false;
  let countReported = false;

  const sequence = (items: unknown[], path: PathSegment[], depth: number, parent?: StepNode): SequenceNode => {
    const node: SequenceNode = { path, steps: [] };
    items.forEach((raw, index) => {
      const stepPath = [...path, index];
      if (!isRecord(raw)) {
        report({
          code: 'SCHEMA_TYPE',
          path: stepPath,
          message: `the step at ${dotted(stepPath)} must be a mapping, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`,
          hint: 'write each step as a mapping with an id and one kind key, e.g. "- id: wait\\n  sleep: 5s"',
        });
        return;
      }
      if (depth > MAX_DEPTH) {
        if (!depthReported) {
          depthReported = true;
          report({
            code: 'LIMIT_DEPTH',
            path: stepPath,
            target: 'node',
            message: `steps are nested ${depth} levels deep here, more than the limit of ${MAX_DEPTH}`,
            hint: 'flatten the nesting, or move the inner part into its own runbook and call it with a runbook: step',
          });
        }
        return;
      }
      if (all.length >= MAX_STEPS) {
        if (!countReported) {
          countReported = true;
          report({
            code: 'LIMIT_STEPS',
            path: stepPath,
            target: 'node',
            message: `the runbook has more than ${MAX_STEPS} steps (this is step ${MAX_STEPS + 1})`,
            hint: 'split the procedure into smaller runbooks and call them with runbook: steps, or use forEach over a list',
          });
        }
        return;
      }
      const id = typeof raw.id === 'string' ? raw.id : undefined;
      const kindKeys = STEP_KIND_KEYS.filter((key) => key in raw);
      const step: StepNode = {
        raw,
        path: stepPath,
        id,
        kindKeys,
        depth,
        children: [],
        parent,
        label: id !== undefined ? `step '${id}'` : `the step at ${dotted(stepPath)}`,
      };
      all.push(step);
      node.steps.push(step);
      if (kindKeys.length === 1) {
        for (const rel of childPaths(raw, kindKeys[0])) {
          step.children.push(sequence(valueAt(raw, rel) as unknown[], [...stepPath, ...rel], depth + 1, step));
        }
      }
    });
    return node;
  };

  const tree: StepTree = { all };
  if (Array.isArray(document.steps)) tree.steps = sequence(document.steps, ['steps'], 1);
  if (Array.isArray(document.onFailure)) tree.onFailure = sequence(document.onFailure, ['onFailure'], 1);
  if (Array.isArray(document.finally)) tree.finally = sequence(document.finally, ['finally'], 1);
  return tree;
}

/** A step and everything nested in it. */
export function descendants(step: StepNode): StepNode[] {
  return step.children.flatMap((sequence) => sequence.steps.flatMap((child) => [child, ...descendants(child)]));
}

/** Every step list of the tree (top level, onFailure and all nested ones), outermost first. */
export function sequences(tree: StepTree): SequenceNode[] {
  const out: SequenceNode[] = [];
  const visit = (sequence: SequenceNode) => {
    out.push(sequence);
    for (const step of sequence.steps) step.children.forEach(visit);
  };
  if (tree.steps) visit(tree.steps);
  if (tree.onFailure) visit(tree.onFailure);
  if (tree.finally) visit(tree.finally);
  return out;
}
