/**
 * What `genie run` was given: a file or `-` for stdin (validated here, sent inline so the run
 * executes exactly what was checked) or a name (validated from the local runbook directory).
 * Nothing starts unless the runbook and its parameters are valid.
 */
import * as fs from 'node:fs';
import { actionCatalog } from '../../activities/registry';
import { formatDiagnostic, RunbookValidationError } from '../dsl/diagnostics';
import { findRunbook, loadRunbookFile, loadRunbookText } from '../dsl/load';
import { validateParams } from '../dsl/validate';
import type { Runbook } from '../dsl/types';
import { runbookDir } from '../paths';
import { readExperimentFile, readExperimentText } from '../chaos/ctk/load';
import { isStdin, readStdin, STDIN_NAME } from './input';
import { EXIT, type Output, UsageError } from './output';

export interface RunbookSource {
  /** What the workflow receives: a name for the worker to resolve, or the inline definition. */
  runbook: string | Runbook;
  definition: Runbook;
  params: Record<string, unknown>;
}

export async function resolveSource(nameOrFile: string, rawParams: Record<string, unknown>, out: Output): Promise<RunbookSource> {
  const stdin = isStdin(nameOrFile) ? await readStdin(out) : undefined;
  const isFile = stdin !== undefined || /\.(ya?ml|json)$/i.test(nameOrFile) || nameOrFile.includes('/') || fs.existsSync(nameOrFile);
  let definition: Runbook;
  // A Chaos Toolkit experiment runs as the chaos runbook it converts to; its env configuration is read here.
  const experiment = isFile
    ? readExperimentOrThrow(() => (stdin === undefined ? readExperimentFile(nameOrFile, actionCatalog) : readExperimentText(stdin, STDIN_NAME, actionCatalog)))
    : undefined;
  if (experiment) {
    definition = experiment.definition;
    rawParams = { ...experiment.envValues, ...rawParams };
  } else
    try {
      if (stdin !== undefined) definition = loadRunbookText(stdin, STDIN_NAME, actionCatalog);
      else definition = (isFile ? loadRunbookFile(nameOrFile, actionCatalog) : findRunbook(nameOrFile, runbookDir(), actionCatalog)).definition;
    } catch (err) {
      if (err instanceof RunbookValidationError) throw new UsageError(err.message, EXIT.failed);
      throw new UsageError((err as Error).message);
    }
  const checked = validateParams(definition, rawParams);
  if (checked.diagnostics.length > 0) {
    throw new UsageError(
      `parameters of ${definition.metadata.name} are invalid; nothing was started:\n${checked.diagnostics.map(formatDiagnostic).join('\n')}`,
    );
  }
  return { runbook: isFile ? definition : definition.metadata.name, definition, params: checked.params };
}

function readExperimentOrThrow(read: () => ReturnType<typeof readExperimentFile>) {
  try {
    return read();
  } catch (err) {
    if (err instanceof RunbookValidationError) throw new UsageError(err.message, EXIT.failed);
    throw err;
  }
}
