/**
 * The first thing every run does (as a local activity, so it is recorded in history):
 * resolve the runbook by name from this worker's runbook directory, or take the inline
 * definition; validate it and the parameters; pin name, version and sha256. A continued
 * run passes its snapshot's definition back through here, so nothing skips validation.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { resolveRunbook, validateInline } from '../src/dsl/load';
import { validateParams } from '../src/dsl/validate';
import { formatDiagnostic, RunbookValidationError } from '../src/dsl/diagnostics';
import type { ParamSpec, Runbook } from '../src/dsl/types';
import { runbookDir } from '../src/paths';
import { policyFile } from '../src/policy/load';
import type { LoadedRunbook } from '../workflows/api';
import { actionCatalog } from './registry';
import { authorizeStart, type StartInput } from './start-authorization';

/** History length after which long runs continue as new; low values exercise it in tests. */
function continueAsNewAfterEvents(): number {
  const raw = Number(process.env.GENIE_CONTINUE_AS_NEW_EVENTS ?? '');
  return Number.isInteger(raw) && raw > 0 ? raw : 10_000;
}

export async function loadRunbook(input: { runbook: string | Runbook; params: Record<string, unknown>; start?: StartInput }): Promise<LoadedRunbook> {
  try {
    // An object is always validated as a bare definition: a caller-shaped {definition, file} must not pick the recorded source.
    const ref = typeof input.runbook === 'string' ? input.runbook : validateInline(input.runbook, actionCatalog);
    const resolved = resolveRunbook(ref, actionCatalog, { dir: runbookDir() });
    const start = input.start ? await authorizeStart(input.start, resolved, input.params ?? {}) : undefined;
    const worker = {
      continueAsNewAfterEvents: continueAsNewAfterEvents(),
      searchAttributes: process.env.GENIE_SEARCH_ATTRIBUTES !== 'off',
      accessPolicy: policyFile() !== undefined,
    };
    // Refused: the run records who tried and ends; the params are not even looked at.
    if (start?.refusal) return { resolved, params: {}, secretParams: [], ...worker, start };
    const checked = validateParams(resolved.definition, input.params ?? {});
    if (checked.diagnostics.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `parameters of ${resolved.definition.metadata.name} are invalid:\n${checked.diagnostics.map(formatDiagnostic).join('\n')}`,
        'PARAMS_INVALID',
      );
    }
    const secretParams = Object.entries(resolved.definition.params ?? {})
      .filter(([, spec]) => (spec as ParamSpec).secret)
      .map(([name]) => name);
    return { resolved, params: checked.params, secretParams, ...worker, ...(start ? { start } : {}) };
  } catch (err) {
    if (err instanceof RunbookValidationError) throw ApplicationFailure.nonRetryable(err.message, 'RUNBOOK_INVALID');
    const code = (err as { code?: string }).code;
    if (code === 'RUNBOOK_NAME_INVALID' || code === 'RUNBOOK_NOT_FOUND' || code === 'RUNBOOK_AMBIGUOUS' || code === 'GROUPS_INVALID')
      throw ApplicationFailure.nonRetryable((err as Error).message, code);
    throw err;
  }
}
