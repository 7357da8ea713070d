/**
 * Runbooks from disk: read and validate a file, find a runbook by name in the runbook
 * directory, and resolve it into what a run pins (definition, sha256, action defaults,
 * approver groups). The only file in src/dsl that touches Node built-ins.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ActionCatalog } from '../../activities/action';
import { runbookDir } from '../paths';
import { canonicalJson } from './canonical';
import { RunbookValidationError, type Diagnostic } from './diagnostics';
import { isRecord } from './issues';
import { MAX_DOCUMENT_BYTES } from './parse';
import { closest, listOf } from './suggest';
import { checkRunbookName } from './runbook-name';
import { FileTooLargeError, isInside, readBoundedText } from '../files/bounded-read';
import { ANALYSIS_JUDGE, ANALYSIS_MEASURE } from './step-kinds';
import { childSequences, type ActionDefaults, type ResolvedRunbook, type Runbook, type Step } from './types';
import { validateDefinition, validateRunbook, type ValidationResult } from './validate';
import { GenieError } from '../errors/genie-error';

export const RUNBOOK_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;
/** Lives next to the runbooks but is not one. */
const SCHEMA_FILE = 'runbook.schema.json';

/** A validated runbook and the file it came from. */
export interface LoadedRunbook {
  definition: Runbook;
  /** Absolute path of the file it was read from. */
  file: string;
  text: string;
}

/** Definitions that came out of the validator; any other object is validated before it is resolved. */
const validated = new WeakSet<Runbook>();

export class RunbookNotFoundError extends GenieError {
  readonly code = 'RUNBOOK_NOT_FOUND';
  constructor(
    message: string,
    readonly dir: string,
    readonly available: string[],
  ) {
    super(message);
  }
}

export class RunbookAmbiguousError extends GenieError {
  readonly code = 'RUNBOOK_AMBIGUOUS';
  constructor(
    readonly runbook: string,
    readonly files: string[],
  ) {
    super(`several files declare metadata.name '${runbook}': ${files.join(', ')}; rename one of them`);
  }
}

export class GroupsFileError extends GenieError {
  readonly code = 'GROUPS_INVALID';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`approver groups file ${file} (GENIE_GROUPS_FILE): ${problem}; write it as YAML "groupName: [member, ...]"`);
  }
}

function fileProblem(file: string, error: unknown): Diagnostic {
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  if (error instanceof FileTooLargeError) {
    return {
      file,
      line: 1,
      col: 1,
      code: 'LIMIT_SIZE',
      message: `file is more than the limit of ${MAX_DOCUMENT_BYTES} bytes (1 MiB)`,
      hint: 'split the procedure into smaller runbooks and call them with runbook: steps',
    };
  }
  return {
    file,
    line: 0,
    col: 0,
    code: 'FILE_READ',
    message: `cannot read ${file}: ${reason}`,
    hint: 'check the path; runbooks are *.yaml, *.yml or *.json files',
  };
}

/** Reads and validates one file; never throws (problems are diagnostics). */
export function validateFile(file: string, catalog: ActionCatalog): ValidationResult & { text?: string } {
  let text: string;
  try {
    // Bounded by bytes read, so neither a huge file nor an endless device is loaded into memory.
    text = readBoundedText(file, MAX_DOCUMENT_BYTES);
  } catch (error) {
    return { diagnostics: [fileProblem(file, error)] };
  }
  return { ...validateRunbook(text, file, catalog), text };
}

/** Reads and validates one file; throws RunbookValidationError listing every problem. */
export function loadRunbookFile(file: string, catalog: ActionCatalog): LoadedRunbook {
  const result = validateFile(file, catalog);
  if (!result.runbook || result.text === undefined) throw new RunbookValidationError(result.diagnostics, file);
  validated.add(result.runbook);
  return { definition: result.runbook, file: path.resolve(file), text: result.text };
}

/** A runbook given as text (genie run - reads it from stdin), validated as a file would be; throws RunbookValidationError. */
export function loadRunbookText(text: string, name: string, catalog: ActionCatalog): Runbook {
  const result = validateRunbook(text, name, catalog);
  if (!result.runbook) throw new RunbookValidationError(result.diagnostics, name);
  validated.add(result.runbook);
  return result.runbook;
}

/** A definition given as data (workflow input, API); throws RunbookValidationError listing every problem. */
export function validateInline(definition: unknown, catalog: ActionCatalog): Runbook {
  const result = validateDefinition(definition, catalog);
  if (!result.runbook) throw new RunbookValidationError(result.diagnostics, 'inline runbook definition');
  validated.add(result.runbook);
  return result.runbook;
}

function isRunbookFile(name: string): boolean {
  return name !== SCHEMA_FILE && RUNBOOK_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** Runbook files under `dir`, recursively, sorted; hidden folders and node_modules skipped. */
export function listRunbookFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') files.push(...listRunbookFiles(full));
    } else if (isRunbookFile(entry.name)) files.push(full);
  }
  return files;
}

/** metadata.name of a file without full validation (for lookup and "available" lists). */
function declaredName(file: string): string | undefined {
  try {
    const value: unknown = parseYaml(readBoundedText(file, MAX_DOCUMENT_BYTES));
    const name = isRecord(value) && isRecord(value.metadata) ? value.metadata.name : undefined;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** `<dir>/<name>.yaml|.yml|.json`, else the one file whose metadata.name is `name`. */
export function findRunbook(name: string, dir: string = runbookDir(), catalog: ActionCatalog): LoadedRunbook {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new RunbookNotFoundError(`no runbook named '${name}': runbook directory ${root} does not exist (set GENIE_RUNBOOK_DIR)`, root, []);
  }
  // A name is never a path: "../x" must not escape the runbook directory.
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    for (const ext of RUNBOOK_EXTENSIONS) {
      const candidate = path.join(root, name + ext);
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile() && insideRoot(root, candidate)) return loadRunbookFile(candidate, catalog);
    }
  }
  // A symlink in the runbook directory must not make a file elsewhere a runbook.
  const files = listRunbookFiles(root).filter((file) => insideRoot(root, file));
  const named = files.map((file) => ({ file, name: declaredName(file) }));
  const matches = named.filter((n) => n.name === name);
  if (matches.length > 1)
    throw new RunbookAmbiguousError(
      name,
      matches.map((m) => m.file),
    );
  if (matches.length === 1) return loadRunbookFile(matches[0].file, catalog);
  const available = [...new Set(named.map((n) => n.name ?? path.basename(n.file).replace(/\.(ya?ml|json)$/, '')))].sort();
  const suggestion = closest(name, available);
  throw new RunbookNotFoundError(
    `no runbook named '${name}' in ${root}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; available: ${available.length ? listOf(available) : '(none)'}`,
    root,
    available,
  );
}

function insideRoot(root: string, file: string): boolean {
  try {
    return isInside(fs.realpathSync(root), fs.realpathSync(file));
  } catch {
    return false;
  }
}

/** sha256 of the canonical JSON (keys sorted): the same for the same meaning, whatever the formatting. */
export function runbookSha256(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

function allSteps(steps: Step[] | undefined): Step[] {
  return (steps ?? []).flatMap((step) => [step, ...childSequences(step).flatMap(allSteps)]);
}

/** Actions a step calls: its own, or those an analysis step measures and judges with. */
export function actionsUsedBy(step: Step): string[] {
  if ('action' in step) return [step.action];
  if ('analysis' in step) return step.analysis.judge ? [ANALYSIS_MEASURE, ANALYSIS_JUDGE] : [ANALYSIS_MEASURE];
  return [];
}

/** Default timeout and retry of each action the runbook uses, so the workflow needs no registry. */
export function actionDefaultsFor(definition: Runbook, catalog: ActionCatalog): Record<string, ActionDefaults> {
  const actions: Record<string, ActionDefaults> = {};
  for (const step of [...allSteps(definition.steps), ...allSteps(definition.onFailure), ...allSteps(definition.finally)]) {
    for (const name of actionsUsedBy(step)) {
      const entry = catalog.get(name);
      if (entry) actions[name] = entry.defaults;
    }
  }
  return actions;
}

/** Approver groups (group:<name>) from a YAML file `name: [members]`; none when no file is configured. */
export function loadGroups(file: string | undefined = process.env.GENIE_GROUPS_FILE): Record<string, string[]> {
  if (!file) return {};
  let value: unknown;
  try {
    value = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GroupsFileError(file, (error as Error).message.split('\n')[0]);
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) throw new GroupsFileError(file, 'the top level must be a mapping');
  const groups: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(value)) {
    if (!Array.isArray(members) || !members.every((m) => typeof m === 'string' && m.length > 0)) {
      throw new GroupsFileError(file, `group '${name}' must be a list of member names`);
    }
    groups[name] = members;
  }
  return groups;
}

export interface ResolveOptions {
  /** Where names are looked up; default runbookDir() (GENIE_RUNBOOK_DIR or runbooks/). */
  dir?: string;
  /** Approver groups file; default GENIE_GROUPS_FILE. */
  groupsFile?: string;
}

/** Recorded as the source of a definition given as data: never a path the caller chose. */
export const INLINE_SOURCE = 'inline';

function isLoaded(ref: Runbook | LoadedRunbook): ref is LoadedRunbook {
  return 'definition' in ref && 'file' in ref;
}

/**
 * What a run pins: the validated definition, its sha256, where it came from, the defaults
 * of the actions it uses, and the approver groups. `ref` is what loadRunbookFile or
 * findRunbook returned, a definition (from validateInline, or any object, which is then
 * validated), or a string: a runbook name (never a path) in the runbook directory. Throws
 * RunbookNameError, RunbookValidationError, RunbookNotFoundError, RunbookAmbiguousError
 * or GroupsFileError.
 */
export function resolveRunbook(ref: string | Runbook | LoadedRunbook, catalog: ActionCatalog, options: ResolveOptions = {}): ResolvedRunbook {
  let definition: Runbook;
  let source = INLINE_SOURCE;
  if (typeof ref === 'string') {
    // Strings come from workflow input: a name, never a path (files are read by the CLI and sent inline).
    ({ definition, file: source } = findRunbook(checkRunbookName(ref), options.dir ?? runbookDir(), catalog));
  } else if (isLoaded(ref)) {
    definition = validated.has(ref.definition) ? ref.definition : validateInline(ref.definition, catalog);
    source = ref.file;
  } else {
    definition = validated.has(ref) ? ref : validateInline(ref, catalog);
  }
  return {
    definition,
    sha256: runbookSha256(definition),
    source,
    actions: actionDefaultsFor(definition, catalog),
    groups: loadGroups(options.groupsFile ?? process.env.GENIE_GROUPS_FILE),
  };
}

export interface FileValidation {
  file: string;
  diagnostics: Diagnostic[];
  warnings?: Diagnostic[];
  runbook?: Runbook;
}

/** For `genie validate`: files and directories (expanded recursively) to per-file results. */
export function validateFiles(paths: string[], catalog: ActionCatalog): FileValidation[] {
  const results: FileValidation[] = [];
  for (const given of paths) {
    let files: string[];
    try {
      files = fs.statSync(given).isDirectory() ? listRunbookFiles(given) : [given];
    } catch (error) {
      results.push({ file: given, diagnostics: [fileProblem(given, error)] });
      continue;
    }
    for (const file of files) {
      const { runbook, diagnostics, warnings } = validateFile(file, catalog);
      results.push({ file, diagnostics, ...(warnings ? { warnings } : {}), ...(runbook ? { runbook } : {}) });
    }
  }
  return results;
}
