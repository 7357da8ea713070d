/**
 * Keeping credentials out of what actions return. Results, failure details and messages
 * land in workflow history, the Web UI and CLI output, all of which outlive the secret.
 */

export const MASK = '***';

/**
 * Names (headers, environment variables, query parameters) whose values are credentials.
 * Deliberately broad: masking a harmless value costs little, leaking a token costs a lot.
 */
const SECRET_NAME = /authorization|cookie|token|secret|passw|api[-_]?key|session|credential|signature|private[-_]?key|x-auth|^(key|sig|auth)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of `headers` with every secret-named value replaced by ***. */
export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isSecretName(name) ? MASK : value;
  }
  return out;
}

/** The values of secret-named entries: what must never be echoed back (by a body or an output). */
export function secretValues(entries: Record<string, string> | undefined): string[] {
  // Very short values would mask innocent text everywhere and are not credentials anyway.
  return Object.entries(entries ?? {})
    .filter(([name, value]) => isSecretName(name) && value.length >= 4)
    .flatMap(([, value]) => {
      // "Bearer abc" is also leaked by echoing just "abc".
      const token = value.replace(/^(bearer|basic|token)\s+/i, '');
      return token.length >= 4 && token !== value ? [value, token] : [value];
    });
}

/** `text` with every occurrence of each secret replaced by ***. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return out;
}

/** A URL fit for messages and details: secret-named query parameters masked. */
export function safeUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  for (const name of [...copy.searchParams.keys()]) if (isSecretName(name)) copy.searchParams.set(name, MASK);
  return copy.href;
}
