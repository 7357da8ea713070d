/**
 * YAML (and JSON, which is YAML) to a plain value, keeping a map from every path in the
 * document back to line:col, so each later diagnostic can point at the offending key or
 * value. Pure: no Node built-ins.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, DiagnosticCode } from './diagnostics';

/** Documents above this are refused before parsing, so a huge file cannot stall a worker. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** Aliases expanded when converting to a value; bounds "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

export type PathSegment = string | number;
export interface Position {
  line: number;
  col: number;
}
/** What a path should point at: the key of the field, its value, or (for objects) where the object is named. */
export type Target = 'key' | 'value' | 'node';

/** JSON pointer (RFC 6901) for a path. */
export function toPointer(path: readonly PathSegment[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Segments of a JSON pointer; indices stay strings (the source map accepts both). */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** UTF-8 length without Buffer (pure code): counts bytes per code point. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface ParsedSource {
  file: string;
  text: string;
  /** The document as plain JSON-like data; undefined when parsing failed. */
  value: unknown;
  /** Parse problems (syntax, duplicate keys, size). Non-empty means `value` is not to be trusted. */
  diagnostics: Diagnostic[];
  /** line:col of a path (the nearest existing ancestor when the path is missing). */
  position(path: readonly PathSegment[], target?: Target): Position;
  /** line:col of a character inside a string value, e.g. a JSONata error position. */
  positionInString(path: readonly PathSegment[], offset: number): Position;
}

export function parseSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const failed = (diagnostics: Diagnostic[]): ParsedSource => ({
    file,
    text,
    value: undefined,
    diagnostics,
    position: () => ({ line: 1, col: 1 }),
    positionInString: () => ({ line: 1, col: 1 }),
  });

  const bytes = utf8Length(text);
  if (bytes > MAX_DOCUMENT_BYTES) {
    return failed([
      {
        file,
        line: 1,
        col: 1,
        code: 'LIMIT_SIZE',
        message: `document is ${bytes} bytes, more than the limit of ${MAX_DOCUMENT_BYTES} bytes (1 MiB)`,
        hint: 'split the procedure into smaller runbooks and call them with runbook: steps',
      },
    ]);
  }

  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true });
  const diagnostics: Diagnostic[] = doc.errors.map((error) => {
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    const duplicate = error.code === 'DUPLICATE_KEY';
    const code: DiagnosticCode = duplicate ? 'DUPLICATE_KEY' : 'YAML_SYNTAX';
    // The yaml package appends " at line N, column M:" and a code frame; we print our own position.
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const hint = duplicate
      ? 'remove or rename one of the two keys; YAML would otherwise keep only one of them'
      : error.code === 'MULTIPLE_DOCS'
        ? 'put one runbook per file (remove the "---" separator)'
        : 'fix the YAML syntax here: check indentation (spaces, not tabs), unclosed quotes or brackets, and a space after each colon';
    return { file, line: pos.line, col: pos.col, code, message: duplicate ? message.replace('Map keys', 'mapping keys') : message, hint };
  });
  if (diagnostics.length > 0) return failed(diagnostics);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return failed([
      {
        file,
        line: 1,
        col: 1,
        code: 'YAML_SYNTAX',
        message: (error as Error).message,
        hint: 'expand the aliases (*name) by hand; at most 100 alias expansions are allowed',
      },
    ]);
  }

  const at = (offset: number): Position => lineCounter.linePos(offset);
  const map = new SourceMap(doc, text, lineCounter);
  return {
    file,
    text,
    value,
    diagnostics,
    position: (path, target = 'value') => at(map.offset(path, target)),
    positionInString: (path, offset) => at(map.offsetInString(path, offset)),
  };
}

/** Finds nodes by path in the parsed document. */
class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  /** The deepest node along the path, and the pair that holds it (for pointing at keys). */
  private find(path: readonly PathSegment[]): { node: Node | null; pair?: Pair; complete: boolean } {
    let node = this.doc.contents as Node | null;
    let pair: Pair | undefined;
    for (const segment of path) {
      // Inside an alias (*name) every path leads into the anchored text elsewhere; the
      // alias is where this use is written, so point there.
      if (isAlias(node)) return { node, pair, complete: true };
      let next: Node | null | undefined;
      let nextPair: Pair | undefined;
      if (isMap(node)) {
        nextPair = node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(segment)) as Pair | undefined;
        next = nextPair?.value as Node | null | undefined;
        if (nextPair && next === null) return { node: null, pair: nextPair, complete: true };
      } else if (isSeq(node)) {
        next = node.items[Number(segment)] as Node | undefined;
        nextPair = undefined;
      }
      if (next === undefined || next === null) return { node, pair, complete: false };
      node = next;
      pair = nextPair;
    }
    return { node, pair, complete: true };
  }

  offset(path: readonly PathSegment[], target: Target): number {
    const { node, pair, complete } = this.find(path);
    const keyStart = pair && isScalar(pair.key) && pair.key.range ? pair.key.range[0] : undefined;
    if (!complete) {
      // Missing field: point at where its parent object is named (or starts).
      return keyStart ?? node?.range?.[0] ?? 0;
    }
    if (target === 'key' || target === 'node') {
      if (keyStart !== undefined) return keyStart;
    }
    const range = node?.range;
    // An empty value (`approval:` with nothing after it) has no text of its own: use the key.
    if (!range || (isScalar(node) && node.value === null && range[0] === range[1])) return keyStart ?? 0;
    return range[0];
  }

  /**
   * Maps a character offset inside a string value to the source. Exact for plain and quoted
   * single-line scalars and for literal blocks (`|`); otherwise the start of the value.
   */
  offsetInString(path: readonly PathSegment[], offset: number): number {
    const { node, complete } = this.find(path);
    const start = this.offset(path, 'value');
    if (!complete || !isScalar(node) || typeof node.value !== 'string' || !node.range) return start;
    const value = node.value;
    const [from, to] = node.range;
    const checked = (candidate: number): number => (this.text[candidate] === value[offset] ? candidate : start);
    const prefix = value.slice(0, offset);
    switch (node.type) {
      case 'PLAIN':
        return !prefix.includes('\n') && this.text.startsWith(prefix, from) ? checked(from + offset) : start;
      case 'QUOTE_SINGLE':
      case 'QUOTE_DOUBLE':
        return !prefix.includes('\n') && this.text.startsWith(prefix, from + 1) ? checked(from + 1 + offset) : start;
      case 'BLOCK_LITERAL': {
        const lineIndex = prefix.split('\n').length - 1;
        const column = prefix.length - (prefix.lastIndexOf('\n') + 1);
        const headerLine = this.lines.linePos(from).line; // 1-based line of the `|`
        const starts = this.lines.lineStarts; // 0-based: starts[n] is where line n+1 begins
        const lineStart = starts[headerLine + lineIndex];
        if (lineStart === undefined || lineStart >= to) return start;
        const firstContent = this.text.slice(starts[headerLine], to);
        const indent = /^ */.exec(firstContent)?.[0].length ?? 0;
        return checked(lineStart + indent + column);
      }
      default:
        return start;
    }
  }
}
