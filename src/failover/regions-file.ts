/**
 * The regions file: where each region's application and PostgreSQL node are. The worker
 * reads it from GENIE_REGIONS (or an action's `regionsFile`); runbooks name regions only.
 * Passwords are secret:// references resolved inside the activity, never literals.
 *
 *   route: app                    # the router route whose pools are the regions
 *   regions:
 *     r1:
 *       appUrl: http://127.0.0.1:41001
 *       pool: r1                  # router pool (default: the region's name)
 *       postgres:
 *         host: 127.0.0.1
 *         port: 41011
 *         database: postgres      # default
 *         user: postgres          # default
 *         password: secret://pg_r1   # optional; trust auth on loopback needs none
 *         dataDir: /tmp/.../pg/r1    # when the node runs on this host (stop, rewind, clone)
 */
import * as fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { configuredProviders, lookupSecret } from '../secrets';
import type { PgNodeSpec, ResolvedNode } from './node-spec';
import { GenieError } from '../errors/genie-error';

export interface RegionSpec {
  name: string;
  appUrl?: string;
  pool: string;
  postgres: PgNodeSpec;
}

export interface RegionsFile {
  route?: string;
  regions: RegionSpec[];
}

export class RegionsFileError extends GenieError {
  readonly code = 'REGIONS_FILE';
  constructor(
    readonly file: string,
    readonly where: string,
    message: string,
  ) {
    super(`${file}: ${where}: ${message}`);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const SECRET_REF = /^secret:\/\/[A-Za-z0-9_.-]+$/;
type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseRegions(text: string, file = '<regions>'): RegionsFile {
  const fail = (where: string, message: string): never => {
    throw new RegionsFileError(file, where, message);
  };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return fail('(yaml)', (error as Error).message.split('\n')[0]!);
  }
  if (!isRecord(doc)) return fail('(top)', 'must be a mapping with `regions:`');
  for (const key of Object.keys(doc)) if (!['route', 'regions'].includes(key)) fail(key, 'unknown key (known: route, regions)');
  if (doc.route !== undefined && (typeof doc.route !== 'string' || !NAME.test(doc.route))) fail('route', 'must be a router route name');
  if (!isRecord(doc.regions) || Object.keys(doc.regions).length === 0) return fail('regions', 'must map each region name to {appUrl, pool, postgres}');
  const regions: RegionSpec[] = [];
  for (const [name, raw] of Object.entries(doc.regions)) {
    const at = `regions.${name}`;
    if (!NAME.test(name)) fail(at, 'region names are letters, digits, _ . - (max 63)');
    if (!isRecord(raw)) fail(at, 'must be a mapping');
    const r = raw as Raw;
    for (const key of Object.keys(r)) if (!['appUrl', 'pool', 'postgres'].includes(key)) fail(`${at}.${key}`, 'unknown key (known: appUrl, pool, postgres)');
    if (r.appUrl !== undefined && (typeof r.appUrl !== 'string' || !/^https?:\/\//.test(r.appUrl))) fail(`${at}.appUrl`, 'must be an http(s) URL');
    if (r.pool !== undefined && (typeof r.pool !== 'string' || !NAME.test(r.pool))) fail(`${at}.pool`, 'must be a router pool name');
    if (!isRecord(r.postgres)) fail(`${at}.postgres`, 'must be a mapping with at least host and port');
    const pg = r.postgres as Raw;
    const known = ['host', 'port', 'database', 'user', 'password', 'dataDir', 'logFile', 'bindir', 'osUser'];
    for (const key of Object.keys(pg)) if (!known.includes(key)) fail(`${at}.postgres.${key}`, `unknown key (known: ${known.join(', ')})`);
    if (typeof pg.host !== 'string' || pg.host === '') fail(`${at}.postgres.host`, 'required: the host PostgreSQL listens on');
    if (!Number.isInteger(pg.port) || (pg.port as number) < 1 || (pg.port as number) > 65535) fail(`${at}.postgres.port`, 'required: a port number');
    for (const key of ['database', 'user', 'dataDir', 'logFile', 'bindir', 'osUser'])
      if (pg[key] !== undefined && (typeof pg[key] !== 'string' || pg[key] === '')) fail(`${at}.postgres.${key}`, 'must be a non-empty string');
    for (const key of ['dataDir', 'logFile', 'bindir'])
      if (typeof pg[key] === 'string' && !(pg[key] as string).startsWith('/')) fail(`${at}.postgres.${key}`, 'must be an absolute path');
    if (pg.password !== undefined && (typeof pg.password !== 'string' || !SECRET_REF.test(pg.password))) {
      fail(`${at}.postgres.password`, 'must be a secret:// reference (e.g. secret://pg_password), never the password itself');
    }
    regions.push({
      name,
      ...(r.appUrl !== undefined ? { appUrl: r.appUrl as string } : {}),
      pool: (r.pool as string | undefined) ?? name,
      postgres: { region: name, ...(pg as Omit<PgNodeSpec, 'region'>) },
    });
  }
  return { ...(doc.route !== undefined ? { route: doc.route as string } : {}), regions };
}

export function loadRegions(file: string): RegionsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new RegionsFileError(file, '(file)', `cannot read the regions file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseRegions(text, file);
}

/** The regions file a worker uses: the explicit path, else GENIE_REGIONS. */
export function regionsFromEnv(explicit?: string, env: NodeJS.ProcessEnv = process.env): RegionsFile {
  const file = explicit ?? env.GENIE_REGIONS;
  if (!file)
    throw new RegionsFileError(
      '(none)',
      'GENIE_REGIONS',
      'no regions file: set GENIE_REGIONS on the worker (genie demo failover writes one) or pass regionsFile',
    );
  return loadRegions(file);
}

export function findRegion(file: RegionsFile, name: string): RegionSpec {
  const found = file.regions.find((r) => r.name === name);
  if (!found) throw new RegionsFileError('(regions)', name, `no such region (known: ${file.regions.map((r) => r.name).join(', ')})`);
  return found;
}

/** The node with its password looked up from the worker's secrets providers (only here, inside the activity). */
export async function resolveNode(spec: PgNodeSpec): Promise<ResolvedNode> {
  if (!spec.password) return { ...spec };
  const name = spec.password.slice('secret://'.length);
  return { ...spec, resolvedPassword: await lookupSecret(name, configuredProviders()) };
}

export function writeRegionsFile(file: string, regions: RegionsFile): void {
  const doc = {
    ...(regions.route ? { route: regions.route } : {}),
    regions: Object.fromEntries(
      regions.regions.map((r) => {
        const { region: _region, ...pg } = r.postgres;
        return [r.name, { ...(r.appUrl ? { appUrl: r.appUrl } : {}), pool: r.pool, postgres: pg }];
      }),
    ),
  };
  fs.writeFileSync(file, `# genie failover regions (GENIE_REGIONS)\n${stringify(doc)}`, { mode: 0o644 });
}
