/**
 * Problems as the checks find them: a code, a path into the document and words. The
 * validator turns each into a Diagnostic with line:col. Pure.
 */
import type { DiagnosticCode } from './diagnostics';
import type { PathSegment, Target } from './parse';

export interface Issue {
  code: DiagnosticCode;
  path: PathSegment[];
  /** Point at the key, the value (default), or where an object is named. */
  target?: Target;
  /** Character offset inside a string value (expressions). */
  offset?: number;
  message: string;
  hint: string;
  stepId?: string;
}

export type Report = (issue: Issue) => void;

/** `parallel.branches[0].steps` for messages. */
export function dotted(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `a string`, `an integer`, `a list`... for "must be" messages. */
export function article(type: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'an integer',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
    null: 'empty',
  };
  return words[type] ?? type;
}

/** The JSON type of a value, as JSON Schema names it. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A value quoted for a message, shortened. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
