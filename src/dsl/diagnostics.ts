/**
 * What the validator says about a runbook: one Diagnostic per problem, each with a stable
 * code, the exact place (file:line:col and a JSON pointer), and a hint that says how to fix
 * it. The codes below are the whole vocabulary; tests, the CLI and editors rely on them, so
 * codes are only ever added, never renamed. Pure: no Node built-ins.
 */
import { STEP_KIND_KEYS } from './step-kinds';
import { GenieError } from '../errors/genie-error';

/** Every diagnostic code, with what it means. The one place codes are documented. */
export const DIAGNOSTIC_CODES = {
  // Reading and parsing
  FILE_READ: 'The file could not be read (missing, a directory, no permission).',
  YAML_SYNTAX: 'The text is not well-formed YAML/JSON (one diagnostic per parser error; also several documents in one file).',
  DUPLICATE_KEY: 'A mapping repeats a key; YAML would silently keep only one of them.',
  // Limits that keep validation and execution bounded
  LIMIT_SIZE: 'The document is larger than 1 MiB.',
  LIMIT_DEPTH: 'Steps are nested more than 32 levels deep.',
  LIMIT_STEPS: 'The runbook has more than 1000 steps in total.',
  // Shape (JSON Schema from src/dsl/types.ts)
  SCHEMA_TYPE: 'A value has the wrong type (string, number, list, mapping...).',
  SCHEMA_REQUIRED: 'A required field is missing.',
  SCHEMA_UNKNOWN_FIELD: 'A field is not allowed here (usually a typo; a suggestion is given).',
  SCHEMA_ENUM: 'A value is not one of the allowed values.',
  SCHEMA_PATTERN: 'A string (or a key) does not match its required pattern (step ids, names, codes).',
  SCHEMA_RANGE: 'A number, string or list is too small or too large (minimum, maxLength, minItems...).',
  API_VERSION: 'apiVersion is not the version this Genie understands.',
  RUNBOOK_KIND: 'kind is not one of the runbook kinds.',
  // Steps
  STEP_KIND_MISSING: `A step carries none of the kind keys (${STEP_KIND_KEYS.join(', ')}).`,
  STEP_KIND_AMBIGUOUS: 'A step carries more than one kind key.',
  DUPLICATE_STEP_ID: 'Two steps share an id (ids are unique across the whole document, onFailure included).',
  ONERROR_TARGET: 'onError is neither fail, continue, wait nor the id of a step.',
  APPROVAL_QUORUM: 'minApprovals exceeds the number of individual approvers, so the approval could never pass.',
  APPROVAL_ESCALATION: 'escalateTo without onTimeout: escalate, or onTimeout: escalate without escalateTo.',
  RESERVED_NAME: 'forEach.as names a variable the interpreter already binds ($steps, $params, $run, $error, $index, $attempt).',
  // Actions
  UNKNOWN_ACTION: 'The action is not in the action registry.',
  ACTION_ARGS: "The step's with: arguments do not match the action's argument schema.",
  // Expressions
  EXPRESSION_SYNTAX: 'A "{% ... %}" expression is not valid JSONata.',
  EXPRESSION_PARTIAL: 'A string contains "{%" but is not one whole expression.',
  EXPRESSION_EXPECTED: 'A field that must be an expression (if, when, condition) holds something else.',
  DANGLING_STEP_REF: '$steps.<id> names a step that does not exist or has not run yet at that point.',
  UNDECLARED_PARAM: '$params.<name> names a parameter that is not declared under params.',
  // Durations and parameters
  BAD_DURATION: 'A duration is not like 500ms, 30s, 5m, 1h, 1d or 1h30m (and is not an expression).',
  BAD_PARAM: 'A parameter declaration is inconsistent (enum without values, values without enum, required with a default).',
  PARAM_DEFAULT_TYPE: "A parameter's default does not match its declared type (or enum values).",
  PARAM_REQUIRED: 'A run was started without a required parameter.',
  PARAM_UNKNOWN: 'A run was given a parameter the runbook does not declare.',
  PARAM_VALUE: "A run was given a parameter value that does not match the parameter's type.",
  // Warnings: reported, but the runbook stays valid
  UNKNOWN_ERROR_CODE:
    'A retry.nonRetryable entry is not a code Genie raises (docs/runtime-codes.md) nor one the runbook raises itself; an action or command may still raise it.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface Diagnostic {
  /** The file as given to the validator (or a label such as `<inline>` or `params`). */
  file: string;
  /** 1-based; 0 when the problem has no place in a file (e.g. a CLI parameter). */
  line: number;
  /** 1-based; 0 when line is 0. */
  col: number;
  code: DiagnosticCode;
  message: string;
  /** How to fix it, in one sentence. Always present. */
  hint: string;
  /** JSON pointer into the document, e.g. /steps/2/retry. */
  path?: string;
  /** The id of the step the problem is in, when there is one. */
  stepId?: string;
}

/** `file:line:col: CODE message\n  hint: ...` (the shape compilers use, so editors link it). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${where(d)}: ${d.code} ${d.message}\n  hint: ${d.hint}`;
}

/** `file:line:col: warning: CODE message\n  hint: ...`, as compilers mark a warning. */
export function formatWarning(d: Diagnostic): string {
  return `${where(d)}: warning: ${d.code} ${d.message}\n  hint: ${d.hint}`;
}

function where(d: Diagnostic): string {
  return d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
}

/** Document order, then code, so output and tests are stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code) || a.message.localeCompare(b.message);
}

/** Thrown when a runbook cannot be used; carries every problem found, not just the first. */
export class RunbookValidationError extends GenieError {
  readonly code = 'RUNBOOK_INVALID';
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[], subject?: string) {
    const count = diagnostics.length;
    const head = `${subject ?? diagnostics[0]?.file ?? 'runbook'} is invalid (${count} problem${count === 1 ? '' : 's'}):`;
    super([head, ...diagnostics.map(formatDiagnostic)].join('\n'));
    this.diagnostics = diagnostics;
  }
}
