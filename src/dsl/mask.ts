/**
 * Masking secret values wherever they were copied (step outputs, error messages, history
 * projections). Pure: the workflow masks its state and result with it, the CLI its output.
 */
export const MASK = '***';
/** Shorter values would mask innocent text everywhere (and are not credentials anyway). */
export const MIN_SECRET_LENGTH = 4;

/** The text forms of secret parameter values worth masking. */
export function secretTexts(params: Record<string, unknown>, secretNames: string[]): string[] {
  return secretNames
    .map((name) => params[name])
    .filter((v) => v !== undefined && v !== null)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .filter((v) => v.length >= MIN_SECRET_LENGTH);
}

/** A deep copy of `value` with every occurrence of a secret, inside any string, replaced by ***. */
export function maskValues<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  const mask = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.reduce((s, secret) => s.split(secret).join(MASK), v);
    if (Array.isArray(v)) return v.map(mask);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
    return v;
  };
  return mask(value) as T;
}
