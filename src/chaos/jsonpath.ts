/**
 * The JSONPath subset Chaos Toolkit experiments use in `jsonpath` tolerances: `$`, `.key`,
 * `['key']`, `[n]` (negative from the end), `[*]`/`.*`, `..key` (recursive descent) and
 * filters `[?(@.a.b <op> literal)]` with ==, !=, <, <=, >, >= (or `[?(@.a)]` for presence).
 * No library here does it, and this is small enough to own. Pure.
 */
import { GenieError } from '../errors/genie-error';

export class JsonPathError extends GenieError {
  readonly code = 'BAD_JSONPATH';
}

type Segment =
  | { kind: 'key'; key: string; deep: boolean }
  | { kind: 'index'; index: number }
  | { kind: 'all'; deep: boolean }
  | { kind: 'filter'; path: string[]; op?: string; literal?: unknown };

export function parseJsonPath(text: string): Segment[] {
  const src = text.trim();
  if (!src.startsWith('$')) throw new JsonPathError(`JSON path ${JSON.stringify(text)} must start with $`);
  const segments: Segment[] = [];
  let i = 1;
  const fail = (why: string): never => {
    throw new JsonPathError(`JSON path ${JSON.stringify(text)} at character ${i + 1}: ${why}`);
  };
  while (i < src.length) {
    if (src.startsWith('..', i)) {
      i += 2;
      if (src[i] === '*') {
        segments.push({ kind: 'all', deep: true });
        i += 1;
        continue;
      }
      const m = /^[A-Za-z_$][\w$-]*/.exec(src.slice(i)) ?? fail('expected a name after ..');
      segments.push({ kind: 'key', key: m[0], deep: true });
      i += m[0].length;
    } else if (src[i] === '.') {
      i += 1;
      if (src[i] === '*') {
        segments.push({ kind: 'all', deep: false });
        i += 1;
        continue;
      }
      const m = /^[A-Za-z_$][\w$-]*/.exec(src.slice(i)) ?? fail('expected a name after .');
      segments.push({ kind: 'key', key: m[0], deep: false });
      i += m[0].length;
    } else if (src[i] === '[') {
      const close = findClose(src, i) ?? fail('unclosed [');
      const inner = src.slice(i + 1, close).trim();
      segments.push(bracket(inner, fail));
      i = close + 1;
    } else fail(`unexpected ${JSON.stringify(src[i])}`);
  }
  return segments;
}

function findClose(src: string, open: number): number | undefined {
  let quote: string | undefined;
  for (let j = open + 1; j < src.length; j++) {
    const c = src[j];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === ']') return j;
  }
  return undefined;
}

function bracket(inner: string, fail: (why: string) => never): Segment {
  if (inner === '*') return { kind: 'all', deep: false };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { kind: 'key', key: quoted[2], deep: false };
  const filter = /^\?\(\s*@((?:\.[A-Za-z_$][\w$-]*)*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+?))?\s*\)$/.exec(inner);
  if (filter) {
    const path = filter[1].split('.').filter(Boolean);
    if (!filter[2]) return { kind: 'filter', path };
    return { kind: 'filter', path, op: filter[2], literal: literal(filter[3], fail) };
  }
  return fail(`unsupported selector [${inner}] (supported: [n], ['key'], [*], [?(@.a op literal)])`);
}

function literal(text: string, fail: (why: string) => never): unknown {
  const t = text.trim();
  const quoted = /^(['"])(.*)\1$/.exec(t);
  if (quoted) return quoted[2];
  try {
    return JSON.parse(t);
  } catch {
    return fail(`cannot read ${t} as a literal (a quoted string, number, true, false or null)`);
  }
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.values(value);
  return [];
}

function descendants(value: unknown): unknown[] {
  const out: unknown[] = [value];
  for (const c of children(value)) out.push(...descendants(c));
  return out;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return typeof a === typeof b && (a as number) < (b as number);
    case '<=':
      return typeof a === typeof b && (a as number) <= (b as number);
    case '>':
      return typeof a === typeof b && (a as number) > (b as number);
    default:
      return typeof a === typeof b && (a as number) >= (b as number);
  }
}

/** Every value the path matches, in document order. */
export function queryJsonPath(value: unknown, path: string | Segment[]): unknown[] {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown[] = [value];
  for (const s of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      const pool = 'deep' in s && s.deep ? descendants(v) : [v];
      for (const p of pool) {
        if (s.kind === 'key') {
          if (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.hasOwn(p, s.key)) next.push((p as Record<string, unknown>)[s.key]);
        } else if (s.kind === 'all') next.push(...children(p));
        else if (s.kind === 'index') {
          if (Array.isArray(p)) {
            const at = s.index < 0 ? p.length + s.index : s.index;
            if (at >= 0 && at < p.length) next.push(p[at]);
          }
        } else {
          for (const c of children(p)) {
            let field: unknown = c;
            let present = true;
            for (const k of s.path) {
              if (field !== null && typeof field === 'object' && Object.hasOwn(field, k)) field = (field as Record<string, unknown>)[k];
              else {
                present = false;
                break;
              }
            }
            if (present && (s.op === undefined || compare(field, s.op, s.literal))) next.push(c);
          }
        }
      }
    }
    current = next;
  }
  return current;
}
