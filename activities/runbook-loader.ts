/**
 * The first thing every run does (as a local activity, so it is recorded in history):
 * resolve the runbook by name from this worker's runbook directory, or take the inline
 * definition; validate it and the parameters; pin name, version and sha256.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { resolveRunbook } from '../src/dsl/load';
import { validateParams } from '../src/dsl/validate';
import { formatDiagnostic, RunbookValidationError } from '../src/dsl/diagnostics';
import type { ParamSpec, Runbook } from '../src/dsl/types';
import { runbookDir } from '../src/paths';
import type { LoadedRunbook } from '../workflows/api';
import { actionCatalog } from './registry';

/** History length after which long runs continue as new; low values exercise it in tests. */
function continueAsNewAfterEvents(): number {
  const raw = Number(process.env.GENIE_CONTINUE_AS_NEW_EVENTS ?? '');
  return Number.isInteger(raw) && raw > 0 ? raw : 10_000;
}

export async function loadRunbook(input: { runbook: string | Runbook; params: Record<string, unknown> }): Promise<LoadedRunbook> {
  try {
    const resolved = resolveRunbook(input.runbook, actionCatalog, { dir: runbookDir() });
    const checked = validateParams(resolved.definition, input.params ?? {});
    if (checked.diagnostics.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `parameters of ${resolved.definition.metadata.name} are invalid:\n${checked.diagnostics.map(formatDiagnostic).join('\n')}`, 'PARAMS_INVALID',
      );
    }
    const secretParams = Object.entries(resolved.definition.params ?? {}).filter(([, spec]) => (spec as ParamSpec).secret).map(([name]) => name);
    return { resolved, params: checked.params, secretParams, continueAsNewAfterEvents: continueAsNewAfterEvents(), searchAttributes: process.env.GENIE_SEARCH_ATTRIBUTES !== 'off' };
  } catch (err) {
    if (err instanceof RunbookValidationError) throw ApplicationFailure.nonRetryable(err.message, 'RUNBOOK_INVALID');
    const code = (err as { code?: string }).code;
    if (code === 'RUNBOOK_NOT_FOUND' || code === 'RUNBOOK_AMBIGUOUS' || code === 'GROUPS_INVALID') throw ApplicationFailure.nonRetryable((err as Error).message, code);
    throw err;
  }
}
