/**
 * Which route a request takes and which pool of that route serves it. Routes are sorted by
 * specificity when compiled, so the first match wins. Without stickiness each request draws
 * a pool by weight; with it, the sticky key picks the pool by consistent hashing.
 */
import type { CompiledPool, CompiledRoute } from './compiled-config';
import { rendezvousPick } from './sticky-hash';

/** `Example.COM:8080` → `example.com`; `[::1]:80` → `[::1]`. */
export function normalizeHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  let end = host.length;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    if (close > 0) end = close + 1;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) end = colon;
  }
  return host.slice(0, end).toLowerCase();
}

/**
 * The origin-form path (`/a/b?c`) of a request target; absolute-form (`http://h/a?b`, what a
 * client configured to use a proxy sends) is reduced to it. undefined for anything else (`*`).
 */
export function originFormPath(target: string): string | undefined {
  if (target.charCodeAt(0) === 47 /* / */) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

/** Whether `path` lies under `prefix` by whole segments (`/api` covers `/api`, `/api/x`, `/api?q`, not `/apix`). */
export function pathMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  if (!path.startsWith(prefix)) return false;
  if (path.length === prefix.length) return true;
  const next = path.charCodeAt(prefix.length);
  return next === 47 /* / */ || next === 63 /* ? */ || next === 35; /* # */
}

/** The first route (most specific) matching host and path. `host` is already normalized. */
export function selectRoute(routes: readonly CompiledRoute[], host: string | undefined, path: string): CompiledRoute | undefined {
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i];
    if (r.host !== undefined && r.host !== host) continue;
    if (r.hostSuffix !== undefined && !(host !== undefined && host.length > r.hostSuffix.length && host.endsWith(r.hostSuffix))) continue;
    if (pathMatches(r.prefix, path)) return r;
  }
  return undefined;
}

/** The pool for one request: by consistent hash of `stickyKey` when there is one, else by a weighted draw. */
export function pickPool(route: CompiledRoute, stickyKey: string | undefined, random: () => number = Math.random): CompiledPool | undefined {
  const pools = route.pools;
  if (pools.length <= 1) return pools[0];
  if (stickyKey) return pools[rendezvousPick(stickyKey, route.candidates)];
  const draw = random() * 100;
  const cumulative = route.cumulative;
  for (let i = 0; i < cumulative.length; i++) if (draw < cumulative[i]) return pools[i];
  return pools[pools.length - 1];
}

/** The value a sticky route keys on, from raw headers (name, value, name, value...). */
export function stickyKeyOf(sticky: NonNullable<CompiledRoute['sticky']>, rawHeaders: readonly string[]): string | undefined {
  const wanted = sticky.header ?? 'cookie';
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length !== wanted.length || rawHeaders[i].toLowerCase() !== wanted) continue;
    const value = rawHeaders[i + 1];
    if (sticky.header) return value || undefined;
    const cookie = cookieValue(value, sticky.cookie!);
    if (cookie) return cookie;
  }
  return undefined;
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
