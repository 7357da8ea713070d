/**
 * Regex literals in a JSONata AST that RE2 cannot compile (backreferences, lookaround): they
 * would fail at run time under the linear-time engine (src/dsl/linear-regexp.ts), so the
 * validator reports them with the runbook's file:line:col instead.
 */
import { RE2JS } from 're2js';

export interface RegexLiteralIssue {
  source: string;
  position: number;
  message: string;
}

export function unsupportedRegexLiterals(ast: unknown): RegexLiteralIssue[] {
  const found: RegexLiteralIssue[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'regex' && n.value instanceof RegExp) {
      try {
        RE2JS.compile(n.value.source);
      } catch (e) {
        found.push({ source: n.value.source, position: typeof n.position === 'number' ? n.position : 0, message: (e as Error).message });
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'value' || !(v instanceof RegExp)) walk(v);
  };
  walk(ast);
  return found;
}
