/** Reading a Chaos Toolkit experiment file: undefined when the file is not one (it is then read as a runbook). */
import * as fs from 'node:fs';
import type { ActionCatalog } from '../../../activities/action';
import { RunbookValidationError } from '../../dsl/diagnostics';
import { parseSource } from '../../dsl/parse';
import { validateDefinition } from '../../dsl/validate';
import type { Runbook } from '../../dsl/types';
import { convertExperiment, isChaosToolkitExperiment } from './convert';

export interface LoadedExperiment {
  definition: Runbook;
  /** Param values of configuration entries read from the environment ({type: env}) that are set here. */
  envValues: Record<string, string>;
}

export function readExperimentFile(file: string, catalog: ActionCatalog, env: NodeJS.ProcessEnv = process.env): LoadedExperiment | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return readExperimentText(text, file, catalog, env);
}

/** The same from text already read (genie run - reads it from stdin); `file` names it in diagnostics. */
export function readExperimentText(text: string, file: string, catalog: ActionCatalog, env: NodeJS.ProcessEnv = process.env): LoadedExperiment | undefined {
  const source = parseSource(text, file);
  if (source.diagnostics.length > 0 || !isChaosToolkitExperiment(source.value)) return undefined;
  const converted = convertExperiment(source);
  if (!converted.runbook) throw new RunbookValidationError(converted.diagnostics, `Chaos Toolkit experiment ${file}`);
  // The converted runbook goes through the same validator as any other (actions, arguments, allowlists).
  const checked = validateDefinition(converted.runbook, catalog, file);
  if (!checked.runbook) throw new RunbookValidationError(checked.diagnostics, `Chaos Toolkit experiment ${file} (as converted)`);
  const envValues: Record<string, string> = {};
  for (const [param, variable] of Object.entries(converted.envParams)) if (env[variable] !== undefined) envValues[param] = env[variable]!;
  return { definition: checked.runbook, envValues };
}
