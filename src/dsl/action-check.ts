/**
 * Every action a runbook names must be registered, and its `with:` arguments must fit the
 * action's argument schema, so bad arguments are load-time errors and never run-time
 * surprises. Expressions are accepted wherever a value goes: they are evaluated at run time.
 * Pure: takes the catalog as data.
 */
import type { ActionCatalog } from '../../activities/action';
import { isRecord, shown, type Report } from './issues';
import { compiledValidator, schemaIssues } from './schema-errors';
import type { StepTree } from './step-tree';
import { ANALYSIS_JUDGE, ANALYSIS_MEASURE } from './step-kinds';
import { didYouMean, listOf } from './suggest';

export function checkActions(tree: StepTree, catalog: ActionCatalog, report: Report): void {
  const names = [...catalog.keys()].sort();
  for (const step of tree.all) {
    if (step.kindKeys.length === 1 && step.kindKeys[0] === 'analysis') {
      checkAnalysisActions(step, catalog, report);
      continue;
    }
    if (step.kindKeys.length !== 1 || step.kindKeys[0] !== 'action') continue;
    const name = step.raw.action;
    if (typeof name !== 'string') continue; // the schema reports the type
    const entry = catalog.get(name);
    if (!entry) {
      report({
        code: 'UNKNOWN_ACTION',
        path: [...step.path, 'action'],
        stepId: step.id,
        message: `${step.label} uses unknown action ${shown(name)}${suggestion(name, names)}`,
        hint: unknownActionHint(name, names),
      });
      continue;
    }
    const args = step.raw.with ?? {};
    if (!isRecord(args)) continue; // the step schema reports `with` not being a mapping
    const validate = compiledValidator(entry.args, () => JSON.parse(JSON.stringify(entry.args)) as object);
    const base = step.raw.with === undefined ? [...step.path, 'action'] : [...step.path, 'with'];
    const where = `action ${name} in ${step.label}`;
    const issues = schemaIssues(validate, args, { base, where, noun: 'argument', code: 'ACTION_ARGS', stepId: step.id, expressionsAllowed: true });
    for (const issue of issues) {
      report({ ...issue, hint: `${issue.hint}; ${name}: ${entry.description}` });
    }
    // The action's own checks (allowlists, bounds between fields) once the shape is right.
    if (issues.length === 0 && entry.check) {
      for (const issue of entry.check(args)) {
        report({ code: 'ACTION_ARGS', path: [...step.path, 'with', ...issue.path], stepId: step.id, message: `${where}: ${issue.message}`, hint: issue.hint });
      }
    }
  }
}

/** An analysis step needs the measuring (and, with a judge, the judging) action on this worker. */
function checkAnalysisActions(step: StepTree['all'][number], catalog: ActionCatalog, report: Report): void {
  const needed = [ANALYSIS_MEASURE, ...(isRecord(step.raw.analysis) && step.raw.analysis.judge !== undefined ? [ANALYSIS_JUDGE] : [])];
  for (const name of needed.filter((n) => !catalog.has(n))) {
    report({
      code: 'UNKNOWN_ACTION',
      path: [...step.path, 'analysis'],
      stepId: step.id,
      message: `${step.label} is an analysis, which needs action ${name}, and this worker has no such action`,
      hint: 'run the runbook on a Genie worker that registers the analysis actions (activities/analysis.ts)',
    });
  }
}

/** A near miss (util.ecko), or a bare verb that one action has (echo → util.echo). */
function suggestion(name: string, names: string[]): string {
  const near = didYouMean(name, names);
  if (near || name.includes('.')) return near;
  const byVerb = names.filter((n) => n.split('.')[1] === name);
  return byVerb.length === 1 ? ` (did you mean '${byVerb[0]}'?)` : '';
}

function unknownActionHint(name: string, names: string[]): string {
  const domains = [...new Set(names.map((n) => n.split('.')[0]))];
  const domain = name.split('.')[0];
  const inDomain = names.filter((n) => n.startsWith(`${domain}.`));
  if (inDomain.length > 0) return `actions in '${domain}': ${listOf(inDomain)}`;
  return `use <domain>.<verb> from a registered domain (${listOf(domains)}); see activities/registry.ts`;
}
