/**
 * Canonical JSON: object keys sorted recursively, no whitespace. Two documents that mean the
 * same (key order, YAML vs JSON, comments, indentation) give the same text, hence the same
 * sha256 pinned with every run. Pure.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = sortKeys(item);
  }
  return out;
}
