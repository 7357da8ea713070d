/**
 * Field paths of a response, JSONPath-style (`$.items[3].price`), and the ignore patterns
 * matched against them:
 *
 *   $.requestId          one field (and everything beneath it)
 *   $.items[*].id        any index (`[*]`) or any key (`.*`)
 *   $..timestamp         a key at any depth
 *   $['odd key']         keys that are not identifiers
 *   status, header:date  the status line and a response header (exact names)
 *
 * A pattern matches a path when it matches the path or one of its ancestors, so ignoring an
 * object ignores its fields.
 */
import { GenieError } from '../errors/genie-error';

export type Segment = string | number;

type Token = { kind: 'key'; name: string } | { kind: 'index'; n: number } | { kind: 'any' } | { kind: 'descend'; name: string | null };

export class PathPatternError extends GenieError {
  readonly code = 'SHADOW_BAD_RULES';
}

/** `$` + segments → `$.a[0]['b c']`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '$';
  for (const s of segments)
    out += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `.${s}` : `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  return out;
}

/** Array indices replaced by [*]: the name a field is counted under across pairs. */
export function generalizePath(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]');
}

export interface PathMatcher {
  pattern: string;
  matches(field: string, segments: readonly Segment[] | undefined): boolean;
}

/** Compiles an ignore pattern; a malformed one is an error naming it and saying what is allowed. */
export function compilePattern(pattern: string): PathMatcher {
  const text = pattern.trim();
  if (text === 'status' || /^header:[^\s]+$/i.test(text)) {
    const exact = text.toLowerCase();
    return { pattern, matches: (field) => field.toLowerCase() === exact };
  }
  if (!text.startsWith('$'))
    throw new PathPatternError(
      `ignore pattern ${JSON.stringify(pattern)}: write a JSON path starting with $ (e.g. $.requestId, $..timestamp, $.items[*].id), or status, or header:<name>`,
    );
  const tokens = tokenize(text, pattern);
  return { pattern, matches: (_field, segments) => segments !== undefined && matchPrefix(tokens, 0, segments, 0) };
}

function tokenize(text: string, original: string): Token[] {
  const tokens: Token[] = [];
  const bad = (why: string) => new PathPatternError(`ignore pattern ${JSON.stringify(original)}: ${why}`);
  let i = 1;
  while (i < text.length) {
    if (text.startsWith('..', i)) {
      i += 2;
      const m = /^(\*|[A-Za-z_$][\w$-]*)/.exec(text.slice(i));
      if (!m) throw bad(`expected a key after .. at column ${i + 1}`);
      tokens.push({ kind: 'descend', name: m[1] === '*' ? null : m[1] });
      i += m[1].length;
    } else if (text[i] === '.') {
      const m = /^(\*|[A-Za-z_$][\w$-]*)/.exec(text.slice(i + 1));
      if (!m) throw bad(`expected a key or * after . at column ${i + 1}`);
      tokens.push(m[1] === '*' ? { kind: 'any' } : { kind: 'key', name: m[1] });
      i += 1 + m[1].length;
    } else if (text[i] === '[') {
      const m = /^\[(?:(\*)|(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(text.slice(i));
      if (!m) throw bad(`expected [*], [<index>] or ['<key>'] at column ${i + 1}`);
      if (m[1]) tokens.push({ kind: 'any' });
      else if (m[2] !== undefined) tokens.push({ kind: 'index', n: Number(m[2]) });
      else tokens.push({ kind: 'key', name: (m[3] ?? m[4]).replace(/\\(.)/g, '$1') });
      i += m[0].length;
    } else {
      throw bad(`unexpected ${JSON.stringify(text[i])} at column ${i + 1}`);
    }
  }
  return tokens;
}

/** Whether tokens[t..] match a prefix of segments[s..]. */
function matchPrefix(tokens: Token[], t: number, segments: readonly Segment[], s: number): boolean {
  if (t === tokens.length) return true;
  if (s === segments.length) return false;
  const token = tokens[t];
  const segment = segments[s];
  switch (token.kind) {
    case 'key':
      return segment === token.name && matchPrefix(tokens, t + 1, segments, s + 1);
    case 'index':
      return segment === token.n && matchPrefix(tokens, t + 1, segments, s + 1);
    case 'any':
      return matchPrefix(tokens, t + 1, segments, s + 1);
    case 'descend':
      // The key here, or anywhere deeper.
      for (let k = s; k < segments.length; k++) {
        if ((token.name === null || segments[k] === token.name) && matchPrefix(tokens, t + 1, segments, k + 1)) return true;
      }
      return false;
  }
}
