/**
 * What `genie run` was given: a file (validated here, sent inline so the run executes
 * exactly what was checked) or a name (validated from the local runbook directory).
 * Nothing starts unless the runbook and its parameters are valid.
 */
import * as fs from 'node:fs';
import { actionCatalog } from '../../activities/registry';
import { formatDiagnostic, RunbookValidationError } from '../dsl/diagnostics';
import { findRunbook, loadRunbookFile } from '../dsl/load';
import { validateParams } from '../dsl/validate';
import type { Runbook } from '../dsl/types';
import { runbookDir } from '../paths';
import { EXIT, UsageError } from './output';

export interface RunbookSource {
  /** What the workflow receives: a name for the worker to resolve, or the inline definition. */
  runbook: string | Runbook;
  definition: Runbook;
  params: Record<string, unknown>;
}

export function resolveSource(nameOrFile: string, rawParams: Record<string, unknown>): RunbookSource {
  const isFile = /\.(ya?ml|json)$/i.test(nameOrFile) || nameOrFile.includes('/') || fs.existsSync(nameOrFile);
  let definition: Runbook;
  try {
    definition = (isFile ? loadRunbookFile(nameOrFile, actionCatalog) : findRunbook(nameOrFile, runbookDir(), actionCatalog)).definition;
  } catch (err) {
    if (err instanceof RunbookValidationError) throw new UsageError(err.message, EXIT.failed);
    throw new UsageError((err as Error).message);
  }
  const checked = validateParams(definition, rawParams);
  if (checked.diagnostics.length > 0) {
    throw new UsageError(`parameters of ${definition.metadata.name} are invalid; nothing was started:\n${checked.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  return { runbook: isFile ? definition : definition.metadata.name, definition, params: checked.params };
}
