/**
 * Run parameters against a runbook's declarations: defaults applied, required ones
 * present, values of the declared type. Values from the command line arrive as strings,
 * so "3" becomes 3 for a number and "true" becomes true for a boolean. Pure.
 */
import { isDuration } from './duration';
import type { Diagnostic, DiagnosticCode } from './diagnostics';
import { isRecord, shown } from './issues';
import { toPointer } from './parse';
import { didYouMean, listOf } from './suggest';
import type { ParamSpec, Runbook } from './types';

export interface ParamsResult {
  /** Declared parameters with defaults applied and values converted. */
  params: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

type Converted = { ok: true; value: unknown } | { ok: false; expected: string };

function convert(spec: ParamSpec, value: unknown): Converted {
  const bad = (expected: string): Converted => ({ ok: false, expected });
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : bad('a string');
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(number) ? { ok: true, value: number } : bad('a number');
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
      return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : bad('true or false');
    }
    case 'duration':
      return typeof value === 'string' && isDuration(value) ? { ok: true, value: value.trim() } : bad('a duration such as 30s, 5m or 1h30m');
    case 'enum': {
      const values = spec.values ?? [];
      const match = values.find(
        (allowed) => allowed === value || (typeof value === 'string' && typeof allowed === 'number' && String(allowed) === value.trim()),
      );
      return match !== undefined ? { ok: true, value: match } : bad(`one of ${listOf(values.map(String))}`);
    }
    case 'object': {
      if (isRecord(value)) return { ok: true, value };
      if (typeof value === 'string' && value.trim().startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(value);
          if (isRecord(parsed)) return { ok: true, value: parsed };
        } catch {
          // fall through to the error below
        }
      }
      return bad('a mapping (JSON object)');
    }
    case 'list': {
      if (Array.isArray(value)) return { ok: true, value };
      // From a command line: a JSON array, or comma-separated items (numbers stay numbers).
      if (typeof value === 'string') {
        const text = value.trim();
        if (text.startsWith('[')) {
          try {
            const parsed: unknown = JSON.parse(text);
            if (Array.isArray(parsed)) return { ok: true, value: parsed };
          } catch {
            // fall through to the error below
          }
        } else if (text !== '') {
          return { ok: true, value: text.split(',').map((item) => (item.trim() !== '' && Number.isFinite(Number(item)) ? Number(item) : item.trim())) };
        }
      }
      return bad('a list: a JSON array or comma-separated items such as 10,25,50');
    }
    default:
      return bad(String(spec.type));
  }
}

export function validateParams(runbook: Runbook, given: Record<string, unknown> | undefined, source = 'params'): ParamsResult {
  const declared = runbook.params ?? {};
  const params: Record<string, unknown> = {};
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, name: string, message: string, hint: string) =>
    diagnostics.push({ file: source, line: 0, col: 0, code, message, hint, path: toPointer([name]) });
  const input = given ?? {};

  for (const [name, spec] of Object.entries(declared)) {
    const value = input[name];
    if (value === undefined || value === null) {
      if (spec.default !== undefined) params[name] = spec.default;
      else if (spec.required) {
        report(
          'PARAM_REQUIRED',
          name,
          `runbook ${runbook.metadata.name} requires param '${name}'${spec.description ? ` (${spec.description})` : ''}`,
          `pass it, e.g. ${name}=${example(spec)}`,
        );
      }
      continue;
    }
    const result = convert(spec, value);
    if (result.ok) params[name] = result.value;
    else {
      const shownValue = spec.secret ? '***' : shown(value);
      const suggestion = spec.type === 'enum' && typeof value === 'string' ? didYouMean(value, (spec.values ?? []).map(String)) : '';
      report(
        'PARAM_VALUE',
        name,
        `param '${name}' is ${shownValue}, but must be ${result.expected}${suggestion}`,
        `pass ${result.expected}, e.g. ${name}=${example(spec)}`,
      );
    }
  }

  const names = Object.keys(declared);
  for (const name of Object.keys(input)) {
    if (name in declared) continue;
    report(
      'PARAM_UNKNOWN',
      name,
      `runbook ${runbook.metadata.name} has no param '${name}'${didYouMean(name, names)}`,
      names.length ? `declared params: ${listOf(names)}` : 'this runbook takes no params',
    );
  }
  return { params, diagnostics };
}

function example(spec: ParamSpec): string {
  switch (spec.type) {
    case 'number':
      return '3';
    case 'boolean':
      return 'true';
    case 'duration':
      return '5m';
    case 'enum':
      return String(spec.values?.[0] ?? 'value');
    case 'object':
      return '\'{"key":"value"}\'';
    case 'list':
      return '10,25,50';
    default:
      return 'value';
  }
}
