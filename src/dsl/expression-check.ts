/**
 * Every "{% ... %}" in the document must compile as JSONata, and every `$steps.<id>` in it
 * must name a step whose result exists at that point of the run; every `$params.<name>` a
 * declared parameter. Strings that mix text and "{%" are reported too. Pure.
 */
import jsonata from 'jsonata';
import { unsupportedRegexLiterals } from './regex-literals';
import { isExpression, isPartialExpression } from './expression';
import { dotted, isRecord, shown, type Report } from './issues';
import type { PathSegment } from './parse';
import { bodyIds, scopes, whyNotVisible, type Visibility } from './scope';
import type { StepNode, StepTree } from './step-tree';
import { didYouMean } from './suggest';

interface Owner {
  label: string;
  step?: StepNode;
  /** Step ids whose results exist where this string is evaluated. */
  visible: Visibility;
}

interface Reference {
  variable: 'steps' | 'params';
  name: string;
  /** Offset of the `$` in the expression body. */
  start: number;
}

export function checkExpressions(document: Record<string, unknown>, tree: StepTree, report: Report): void {
  const allIds = new Set(tree.all.map((s) => s.id).filter((id): id is string => id !== undefined));
  const params = new Set(isRecord(document.params) ? Object.keys(document.params) : []);
  const visibleBefore = scopes(tree);
  const check = (value: string, path: PathSegment[], field: string, owner: Owner) => checkString(value, path, field, owner, { allIds, params, tree }, report);

  // Top-level fields: outputs are evaluated after the run, so any step may be read there.
  for (const [key, value] of Object.entries(document)) {
    if (key === 'steps' || key === 'onFailure' || key === 'finally') continue;
    const owner: Owner = { label: key === 'outputs' ? 'outputs' : 'the runbook', visible: key === 'outputs' ? allIds : new Set() };
    strings(value, [key], (text, path) => check(text, path, dotted(path), owner));
  }

  for (const step of tree.all) {
    const nested = new Set(step.children.map((c) => c.path.join('/')));
    const before = visibleBefore.get(step) ?? new Set<string>();
    // The until condition is evaluated after each pass of the body, so the body's steps have run.
    const body = new Set(bodyIds(step));
    const afterBody: Visibility = { has: (id) => body.has(id) || before.has(id) };
    for (const [key, value] of Object.entries(step.raw)) {
      strings(
        value,
        [...step.path, key],
        (text, path) => {
          const rel = path.slice(step.path.length);
          const visible = rel[0] === 'until' && rel[1] === 'condition' ? afterBody : before;
          check(text, path, dotted(rel), { label: step.label, step, visible });
        },
        nested,
      );
    }
  }
}

/** Calls `visit` for every string under `value`, skipping nested step lists (checked as their own steps). */
function strings(value: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[]) => void, skip?: Set<string>): void {
  if (skip?.has(path.join('/'))) return;
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => strings(item, [...path, i], visit, skip));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) strings(item, [...path, key], visit, skip);
}

interface Known {
  allIds: ReadonlySet<string>;
  params: ReadonlySet<string>;
  tree: StepTree;
}

function checkString(value: string, path: PathSegment[], field: string, owner: Owner, known: Known, report: Report): void {
  const stepId = owner.step?.id;
  if (isPartialExpression(value)) {
    report({
      code: 'EXPRESSION_PARTIAL',
      path,
      stepId,
      message: `'${field}' of ${owner.label} mixes text with an expression: ${shown(value)}`,
      hint: `write the whole value as one expression, e.g. "{% 'Restarted ' & $params.service %}" (& joins strings)`,
    });
    return;
  }
  if (!isExpression(value)) return;
  const match = /^(\s*\{%)(\s*)([\s\S]*?)\s*%\}\s*$/.exec(value);
  if (!match) return;
  const bodyOffset = match[1].length + match[2].length;
  const body = match[3];
  let ast: unknown;
  try {
    ast = jsonata(body).ast();
  } catch (error) {
    const e = error as { message?: string; position?: number; token?: unknown };
    const tokenLength = typeof e.token === 'string' && e.token !== '(end)' ? e.token.length : 1;
    const offset = Math.max(0, Math.min(body.length - 1, (e.position ?? 0) - tokenLength));
    report({
      code: 'EXPRESSION_SYNTAX',
      path,
      offset: bodyOffset + offset,
      stepId,
      message: `invalid expression in '${field}' of ${owner.label}: ${e.message ?? String(error)}`,
      hint: syntaxHint(body),
    });
    return;
  }
  for (const re of unsupportedRegexLiterals(ast)) {
    report({
      code: 'EXPRESSION_SYNTAX',
      path,
      offset: bodyOffset + Math.max(0, Math.min(body.length - 1, re.position - 1)),
      stepId,
      message: `regex /${re.source}/ in '${field}' of ${owner.label} is not supported by the linear-time engine: ${re.message}`,
      hint: 'write it without backreferences or lookaround (RE2 syntax), which cannot backtrack for minutes',
    });
  }
  for (const ref of references(ast)) {
    const offset = bodyOffset + ref.start;
    if (ref.variable === 'params') {
      if (!known.params.has(ref.name)) {
        report({
          code: 'UNDECLARED_PARAM',
          path,
          offset,
          stepId,
          message: `$params.${ref.name} in '${field}' of ${owner.label} is not a declared parameter${didYouMean(ref.name, known.params)}`,
          hint: `declare it under params: (e.g. ${ref.name}: { type: string }) or fix the name`,
        });
      }
      continue;
    }
    if (owner.visible.has(ref.name)) continue;
    const exists = known.allIds.has(ref.name);
    report({
      code: 'DANGLING_STEP_REF',
      path,
      offset,
      stepId,
      message: exists
        ? `$steps.${ref.name} in '${field}' of ${owner.label} reads step '${ref.name}', which ${whyNotVisible(ref.name, owner.step, known.tree)}`
        : `$steps.${ref.name} in '${field}' of ${owner.label} names no step${didYouMean(ref.name, known.allIds)}`,
      hint: exists
        ? `read '${ref.name}' only after it has run: from a later step, from outputs, or from onFailure`
        : 'use the id of a step that runs before this one',
    });
  }
}

/** `$steps.<id>` and `$params.<name>` paths anywhere in a JSONata AST. */
function references(ast: unknown): Reference[] {
  const found: Reference[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    const steps = node.type === 'path' && Array.isArray(node.steps) ? (node.steps as Record<string, unknown>[]) : undefined;
    const [head, name] = steps ?? [];
    if (head?.type === 'variable' && (head.value === 'steps' || head.value === 'params') && name?.type === 'name' && typeof name.value === 'string') {
      // JSONata positions mark the end of a token; `$steps` is 1 + 5 characters long.
      found.push({ variable: head.value, name: name.value, start: Math.max(0, Number(head.position) - head.value.length - 1) });
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(ast);
  return found;
}

function syntaxHint(body: string): string {
  if (/==|&&|\|\|/.test(body)) {
    return 'JSONata is not JavaScript: compare with = and !=, combine with and / or, join strings with &';
  }
  return 'fix the JSONata syntax (see https://docs.jsonata.org): strings in quotes, = for equality, and/or for logic, & to join strings';
}
