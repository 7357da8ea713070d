/**
 * The differences between two answers to the same request: the status, the allowlisted
 * headers, and the body — JSON compared field by field (numbers within tolerance, missing
 * fields as differences), anything else as text. Ignored paths are skipped before they are
 * compared, so an ignored subtree costs nothing.
 */
import { formatPath, type Segment } from './paths';
import { numbersEqual, type CompiledRules } from './rules';

/** One side of a comparison: an HTTP response, or an action's output (status 'ok' / 'error:<code>'). */
export interface Observation {
  status?: number | string | null;
  headers?: Record<string, string | string[]>;
  /** Parsed JSON, or text. */
  body: unknown;
  latencyMs?: number;
}

export interface FieldDifference {
  /** `status`, `header:<name>`, or a JSON path into the body (`$` is the whole body). */
  field: string;
  primary: unknown;
  candidate: unknown;
  /** Present on one side only. */
  missing?: 'primary' | 'candidate';
}

export function differences(primary: Observation, candidate: Observation, rules: CompiledRules): FieldDifference[] {
  const out: FieldDifference[] = [];
  const ignored = (field: string, segments?: readonly Segment[]) => rules.ignore.some((m) => m.matches(field, segments));
  if (rules.compareStatus && (primary.status ?? null) !== (candidate.status ?? null) && !ignored('status')) {
    out.push({ field: 'status', primary: primary.status ?? null, candidate: candidate.status ?? null });
  }
  for (const name of [...rules.headers].sort()) {
    const a = headerValue(primary.headers, name);
    const b = headerValue(candidate.headers, name);
    const field = `header:${name}`;
    if (a !== b && !ignored(field))
      out.push({
        field,
        primary: a,
        candidate: b,
        ...(a === undefined ? { missing: 'primary' as const } : b === undefined ? { missing: 'candidate' as const } : {}),
      });
  }
  walk(primary.body, candidate.body, [], rules, (segments) => ignored(formatPath(segments), segments), out);
  return out;
}

function walk(a: unknown, b: unknown, segments: Segment[], rules: CompiledRules, ignored: (s: Segment[]) => boolean, out: FieldDifference[]): void {
  if (segments.length > 0 && ignored(segments)) return;
  if (typeof a === 'number' && typeof b === 'number') {
    if (!numbersEqual(a, b, rules)) out.push({ field: formatPath(segments), primary: a, candidate: b });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length) pushMissing([...segments, i], 'primary', undefined, b[i], ignored, out);
      else if (i >= b.length) pushMissing([...segments, i], 'candidate', a[i], undefined, ignored, out);
      else walk(a[i], b[i], [...segments, i], rules, ignored, out);
    }
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const inA = Object.hasOwn(a, key);
      const inB = Object.hasOwn(b, key);
      if (!inA) pushMissing([...segments, key], 'primary', undefined, b[key], ignored, out);
      else if (!inB) pushMissing([...segments, key], 'candidate', a[key], undefined, ignored, out);
      else walk(a[key], b[key], [...segments, key], rules, ignored, out);
    }
    return;
  }
  if (a === b || (a === null && b === null)) return;
  out.push({ field: formatPath(segments), primary: a, candidate: b });
}

function pushMissing(
  segments: Segment[],
  missing: 'primary' | 'candidate',
  a: unknown,
  b: unknown,
  ignored: (s: Segment[]) => boolean,
  out: FieldDifference[],
): void {
  if (ignored(segments)) return;
  out.push({ field: formatPath(segments), primary: a ?? null, candidate: b ?? null, missing });
}

function headerValue(headers: Record<string, string | string[]> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(', ') : value;
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A response body as captured (text): parsed JSON when it is JSON, else the text itself. */
export function parsedBody(text: string | undefined | null): unknown {
  if (text === undefined || text === null || text === '') return text ?? null;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all (or an excerpt cut short): compared as text.
    }
  }
  return text;
}
