/**
 * Breaker names. HTTP breakers are keyed by URL origin — scheme, host and port — because
 * that is what fails together: one server (or load balancer) behind one address. Operators may
 * type any URL (`https://api.example.com/v1/users`); it is reduced to its origin here, so
 * `genie breaker open` and the HTTP client always agree on the key.
 */
import { BREAKER_NAME_PATTERN, MAX_BREAKER_NAME } from '../../workflows/breakers-api';
import { BreakerNameError } from './errors';

export function normalizeBreakerName(text: string): string {
  const trimmed = String(text ?? '').trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new BreakerNameError(`"${trimmed}" is not a URL; write e.g. https://api.example.com`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BreakerNameError(`${url.protocol} URLs have no breaker; use http: or https:`);
    return url.origin;
  }
  const lower = trimmed.toLowerCase();
  if (lower.length > 0 && lower.length <= MAX_BREAKER_NAME && BREAKER_NAME_PATTERN.test(lower)) return lower;
  if (/^[a-z0-9.-]+(:\d+)?$/i.test(trimmed) && trimmed.includes('.')) {
    throw new BreakerNameError(`"${trimmed}" needs a scheme: HTTP breakers are named by origin, e.g. https://${trimmed}`);
  }
  throw new BreakerNameError(`"${trimmed}" is not a breaker name: use a URL origin (https://api.example.com) or a simple name (letters, digits, - and _)`);
}
