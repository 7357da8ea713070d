/**
 * `secret://<name>` references inside action arguments: a whole string
 * (`token: secret://api_token`) or part of one (`Authorization: Bearer secret://api_token`).
 * The workflow only ever holds the reference; the value is substituted inside the activity,
 * just before the action runs. Pure (the validator uses it too).
 */
import { SECRET_NAME_PATTERN } from './provider';

export const SECRET_SCHEME = 'secret://';
/** Every reference in a string. A name ends at the first character a name cannot hold. */
export const SECRET_REFERENCE = new RegExp(`secret://(${SECRET_NAME_PATTERN})`, 'g');

/** The names referenced anywhere in `value` (strings inside objects and arrays), in order, once each. */
export function referencedSecrets(value: unknown): string[] {
  const names = new Set<string>();
  walkStrings(value, (text) => {
    for (const m of text.matchAll(SECRET_REFERENCE)) names.add(m[1]);
  });
  return [...names];
}

/**
 * `secret://` followed by something that is not a name (`secret://`, `secret:// x`,
 * `secret://../etc`): a typo that would otherwise be sent as is. Returns the bad texts.
 */
export function malformedReferences(text: string): string[] {
  const bad: string[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(SECRET_SCHEME, from);
    if (at < 0) return bad;
    const rest = text.slice(at);
    const m = new RegExp(`^secret://${SECRET_NAME_PATTERN}`).exec(rest);
    if (!m) bad.push(rest.split(/\s/)[0] || SECRET_SCHEME);
    from = at + SECRET_SCHEME.length;
  }
}

/** A deep copy of `value` with every reference replaced by `lookup(name)`. */
export function substituteSecrets(value: unknown, lookup: (name: string) => string): unknown {
  if (typeof value === 'string') return value.includes(SECRET_SCHEME) ? value.replace(SECRET_REFERENCE, (_m, name: string) => lookup(name)) : value;
  if (Array.isArray(value)) return value.map((v) => substituteSecrets(v, lookup));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteSecrets(v, lookup)]));
  return value;
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, visit);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walkStrings(v, visit);
}
