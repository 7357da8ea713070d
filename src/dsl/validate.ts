/**
 * The runbook validator: YAML text in, every problem out (not just the first), each at its
 * file:line:col with a hint. Runs the checks in a fixed order over a tolerant step tree so
 * one malformed step does not hide the problems of the others. Pure: no Node built-ins.
 */
import type { ActionCatalog } from '../../activities/action';
import { checkActions } from './action-check';
import { checkApprovals, checkDuplicateIds, checkDurations, checkLoopVariables, checkOnError, checkParamDeclarations } from './checks';
import { compareDiagnostics, type Diagnostic } from './diagnostics';
import { checkExpressions } from './expression-check';
import { checkNonRetryableCodes } from './retry-code-check';
import { isRecord, type Issue } from './issues';
import { parseSource, toPointer, type ParsedSource } from './parse';
import { checkShape } from './shape';
import { buildStepTree } from './step-tree';
import type { Runbook } from './types';

export { validateParams, type ParamsResult } from './params';

export interface ValidationResult {
  /** Present only when there are no diagnostics. */
  runbook?: Runbook;
  diagnostics: Diagnostic[];
  /** What is worth a look but does not make the runbook invalid; present only when there are some. */
  warnings?: Diagnostic[];
}

export function validateRunbook(text: string, file: string, catalog: ActionCatalog): ValidationResult {
  const parsed = parseSource(text, file);
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics };
  return validateParsed(parsed, catalog);
}

/** A definition that arrives as data (workflow input, API): validated as its JSON text. */
export function validateDefinition(definition: unknown, catalog: ActionCatalog, file = '<inline>'): ValidationResult {
  return validateRunbook(JSON.stringify(definition, null, 2) ?? 'null', file, catalog);
}

function validateParsed(parsed: ParsedSource, catalog: ActionCatalog): ValidationResult {
  const document = parsed.value;
  const issues: Issue[] = [];
  const report = (issue: Issue) => issues.push(issue);
  const cautions: Issue[] = [];
  const warn = (issue: Issue) => cautions.push(issue);

  if (!isRecord(document)) {
    report({
      code: 'SCHEMA_TYPE',
      path: [],
      message: `a runbook must be a mapping, got ${document === null || document === undefined ? 'an empty document' : Array.isArray(document) ? 'a list' : typeof document}`,
      hint: 'start from a mapping with apiVersion, kind, metadata and steps (see runbooks/hello.yaml)',
    });
  } else {
    const tree = buildStepTree(document, report);
    checkShape(document, tree, report);
    checkDuplicateIds(tree, (path) => parsed.position(path).line, report);
    checkOnError(document, tree, report);
    checkDurations(document, tree, report);
    checkParamDeclarations(document, report);
    checkApprovals(tree, report);
    checkLoopVariables(tree, report);
    checkActions(tree, catalog, report);
    checkExpressions(document, tree, report);
    checkNonRetryableCodes(document, tree, warn);
  }

  const diagnostics = unique(issues.map((issue) => toDiagnostic(issue, parsed))).sort(compareDiagnostics);
  const warnings = unique(cautions.map((issue) => toDiagnostic(issue, parsed))).sort(compareDiagnostics);
  const result: ValidationResult = diagnostics.length > 0 ? { diagnostics } : { runbook: document as Runbook, diagnostics };
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

function toDiagnostic(issue: Issue, parsed: ParsedSource): Diagnostic {
  const { line, col } = issue.offset !== undefined ? parsed.positionInString(issue.path, issue.offset) : parsed.position(issue.path, issue.target ?? 'value');
  const diagnostic: Diagnostic = { file: parsed.file, line, col, code: issue.code, message: issue.message, hint: issue.hint, path: toPointer(issue.path) };
  if (issue.stepId !== undefined) diagnostic.stepId = issue.stepId;
  return diagnostic;
}

/** Two checks can notice the same thing at the same place; say it once. */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.col}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
