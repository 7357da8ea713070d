/**
 * Checking a router config: the JSON Schema first (shape, types, ranges), then what a schema
 * cannot say — weights summing to 100, pools that exist, origins that are plain http(s)
 * origins, durations in range, two routes not claiming the same host and prefix. Every
 * problem is reported at once, with a dotted path, so one 400 says all that is wrong.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../dsl/duration';
import { RouterConfigError, type ConfigProblem } from './errors';
import { NAME_PATTERN, RouterConfigSchema, type RouterConfig } from './config-schema';

/** A config document, not a body the size of a disk. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_TIMEOUT_MS = 3_600_000;
const WEIGHT_TOLERANCE = 1e-6;

let validateShape: ValidateFunction | undefined;

/** YAML or JSON text → a checked config, or RouterConfigError listing every problem. */
export function parseRouterConfig(text: string): RouterConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new RouterConfigError([{ path: '', message: `the config is larger than ${MAX_CONFIG_BYTES} bytes` }]);
  let document: unknown;
  try {
    document = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    throw new RouterConfigError([{ path: '', message: `not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}` }]);
  }
  if (document === null || document === undefined) throw new RouterConfigError([{ path: '', message: 'the config is empty; it needs pools: and routes:' }]);
  return checkRouterConfig(document);
}

/** An already parsed value (e.g. JSON from the admin API) → a checked config. */
export function checkRouterConfig(document: unknown): RouterConfig {
  validateShape ??= new Ajv({ allErrors: true, strict: false }).compile(RouterConfigSchema);
  if (!validateShape(document)) throw new RouterConfigError(shapeProblems(validateShape.errors ?? []));
  const config = document as RouterConfig;
  const problems = semanticProblems(config);
  if (problems.length > 0) throw new RouterConfigError(problems);
  return config;
}

function shapeProblems(errors: ErrorObject[]): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const e of errors) {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
    const params = e.params as Record<string, unknown>;
    const message =
      e.keyword === 'additionalProperties'
        ? `unknown field '${String(params.additionalProperty)}'`
        : e.keyword === 'required'
          ? `missing required field '${String(params.missingProperty)}'`
          : e.keyword === 'minProperties' && params.limit === 1
            ? 'must not be empty'
            : (e.message ?? 'is invalid');
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) problems.push({ path: path || '(top level)', message });
    seen.add(key);
  }
  return problems;
}

function semanticProblems(config: RouterConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const poolNames = new Set(Object.keys(config.pools));

  for (const [name, pool] of Object.entries(config.pools)) {
    if (!NAME_PATTERN.test(name)) add(`pools.${name}`, `pool name '${name}' must match ${NAME_PATTERN.source}`);
    pool.origins.forEach((origin, i) => {
      const why = originProblem(origin);
      if (why) add(`pools.${name}.origins.${i}`, why);
    });
    const f = pool.faults;
    if (f) {
      if (f.delay !== undefined) durationProblem(f.delay, `pools.${name}.faults.delay`, add, 0);
      if ((f.abortPercent ?? 0) + (f.errorPercent ?? 0) > 100) add(`pools.${name}.faults`, 'abortPercent + errorPercent must not exceed 100');
    }
  }

  const claims = new Map<string, string>();
  for (const [name, route] of Object.entries(config.routes)) {
    const at = `routes.${name}`;
    if (!NAME_PATTERN.test(name)) add(at, `route name '${name}' must match ${NAME_PATTERN.source}`);
    let sum = 0;
    for (const [pool, weight] of Object.entries(route.weights)) {
      if (!poolNames.has(pool)) add(`${at}.weights.${pool}`, `no pool named '${pool}' (pools: ${[...poolNames].join(', ')})`);
      sum += weight;
    }
    if (Math.abs(sum - 100) > WEIGHT_TOLERANCE) add(`${at}.weights`, `weights must sum to 100, not ${sum}`);
    if (route.mirror) {
      const m = route.mirror;
      if ((m.pool === undefined) === (m.pools === undefined)) add(`${at}.mirror`, 'give exactly one of pool (one shadow) or pools (a list)');
      if (m.pool !== undefined && !poolNames.has(m.pool)) add(`${at}.mirror.pool`, `no pool named '${m.pool}'`);
      m.pools?.forEach((p, i) => {
        if (!poolNames.has(p)) add(`${at}.mirror.pools.${i}`, `no pool named '${p}'`);
      });
    }
    if (route.sticky && (route.sticky.header === undefined) === (route.sticky.cookie === undefined))
      add(`${at}.sticky`, 'give exactly one of header or cookie');
    if (route.timeout !== undefined) durationProblem(route.timeout, `${at}.timeout`, add, 1);
    const claim = `${(route.match?.host ?? '*').toLowerCase()} ${normalizedPrefix(route.match?.pathPrefix)}`;
    const other = claims.get(claim);
    if (other) add(`${at}.match`, `same host and pathPrefix as route '${other}'`);
    else claims.set(claim, name);
  }
  if (config.defaults?.timeout !== undefined) durationProblem(config.defaults.timeout, 'defaults.timeout', add, 1);
  if (config.defaults?.connectTimeout !== undefined) durationProblem(config.defaults.connectTimeout, 'defaults.connectTimeout', add, 1);
  return problems;
}

function durationProblem(text: string, path: string, add: (p: string, m: string) => void, minMs: number): void {
  const ms = parseDuration(text);
  if (ms < minMs || ms > MAX_TIMEOUT_MS) add(path, `${text} is out of range (${minMs}ms to 1h)`);
}

/** `/api/` and `/api` claim the same paths. */
export function normalizedPrefix(prefix: string | undefined): string {
  if (!prefix || prefix === '/') return '/';
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

function originProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `'${origin}' is not a URL; write http://host:port`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `'${origin}': only http: and https: origins are supported`;
  if (url.username || url.password) return `'${origin}': no credentials in origins`;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    return `'${origin}' must be an origin only (scheme://host:port), without a path or query`;
  return undefined;
}
