/**
 * A warning, never an error, when `retry.nonRetryable` names a code nothing is known to raise:
 * a typo there (BREAKR_OPEN) silently keeps retrying what the author meant to stop. Known
 * codes are RUNTIME_CODES and the codes this runbook raises itself (`fail.code`, util.fail's
 * `with.code`). Actions and commands may raise codes of their own, so an unknown code stays
 * legal and the runbook stays valid. Pure.
 */
import { isRecord, type Report } from './issues';
import type { PathSegment } from './parse';
import { RUNTIME_CODES } from './runtime-codes';
import type { StepTree } from './step-tree';
import { closest } from './suggest';

const HINT = 'docs/runtime-codes.md lists the codes Genie raises; leave it if the action or command raises this code itself';

export function checkNonRetryableCodes(document: Record<string, unknown>, tree: StepTree, warn: Report): void {
  const known = new Set<string>(Object.keys(RUNTIME_CODES));
  for (const step of tree.all) for (const code of raisedBy(step.raw)) known.add(code);

  const check = (retry: unknown, path: PathSegment[], owner: string, stepId?: string) => {
    if (!isRecord(retry) || !Array.isArray(retry.nonRetryable)) return;
    retry.nonRetryable.forEach((code, i) => {
      if (typeof code !== 'string' || known.has(code)) return;
      const suggestion = closest(code, known);
      warn({
        code: 'UNKNOWN_ERROR_CODE',
        path: [...path, 'nonRetryable', i],
        stepId,
        message: `retry.nonRetryable of ${owner} names ${code}, which is not a code Genie raises`,
        hint: suggestion ? `did you mean ${suggestion}? ${HINT}` : HINT,
      });
    });
  };
  const defaults = isRecord(document.defaults) ? document.defaults : undefined;
  check(defaults?.retry, ['defaults', 'retry'], 'the runbook defaults');
  for (const step of tree.all) check(step.raw.retry, [...step.path, 'retry'], step.label, step.id);
}

/** Codes a step raises by its author's choice. */
function raisedBy(step: Record<string, unknown>): string[] {
  const fail = isRecord(step.fail) ? step.fail.code : undefined;
  const utilFail = step.action === 'util.fail' && isRecord(step.with) ? step.with.code : undefined;
  return [fail, utilFail].filter((c): c is string => typeof c === 'string');
}
