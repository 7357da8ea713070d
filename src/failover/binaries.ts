/**
 * Finding the PostgreSQL server binaries (initdb, postgres, pg_basebackup, pg_rewind...).
 * Debian keeps them out of PATH under /usr/lib/postgresql/<major>/bin, so PATH alone is not
 * enough. Order: GENIE_PG_BINDIR → `pg_config --bindir` → the newest /usr/lib/postgresql/N/bin
 * → a PATH directory holding initdb. None found → an error that says what to install.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isExecutable } from '../files/executable';
import { GenieError } from '../errors/genie-error';

/** What the failover environment and the replication actions run. */
export const REQUIRED_BINARIES = ['initdb', 'postgres', 'pg_basebackup', 'pg_rewind', 'pg_controldata'] as const;
export type PgBinary = (typeof REQUIRED_BINARIES)[number];

export class PostgresNotFoundError extends GenieError {
  readonly code = 'POSTGRES_NOT_FOUND';
  constructor(detail: string) {
    super(
      `PostgreSQL server binaries not found (${detail}). Install them: apt-get update && apt-get install -y postgresql ` +
        '(Debian/Ubuntu; any major version ≥ 13), or point GENIE_PG_BINDIR at the directory holding initdb, postgres, pg_basebackup, pg_rewind and pg_controldata.',
    );
  }
}

const complete = (dir: string) => REQUIRED_BINARIES.every((b) => isExecutable(path.join(dir, b)));

function pgConfigBindir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function debianBindirs(root = '/usr/lib/postgresql'): string[] {
  try {
    return fs
      .readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => path.join(root, v, 'bin'));
  } catch {
    return [];
  }
}

let cached: string | undefined;

/** The directory holding every REQUIRED_BINARIES, or PostgresNotFoundError. */
export function postgresBindir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.GENIE_PG_BINDIR;
  if (explicit) {
    if (!complete(explicit)) throw new PostgresNotFoundError(`GENIE_PG_BINDIR=${explicit} lacks one of ${REQUIRED_BINARIES.join(', ')}`);
    return explicit;
  }
  if (cached) return cached;
  const candidates = [pgConfigBindir(), ...debianBindirs(), ...(env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  const found = candidates.find((dir): dir is string => dir !== undefined && complete(dir));
  if (!found) throw new PostgresNotFoundError(`looked in pg_config --bindir, /usr/lib/postgresql/*/bin and PATH`);
  cached = found;
  return found;
}

export function pgBinary(name: PgBinary, bindir = postgresBindir()): string {
  return path.join(bindir, name);
}

/** The server's major version (`postgres --version` → 15). */
export function postgresMajor(bindir = postgresBindir()): number {
  const text = execFileSync(pgBinary('postgres', bindir), ['--version'], { encoding: 'utf8', timeout: 5_000 });
  const m = /(\d+)(?:\.\d+)?/.exec(text.replace(/^[^)]*\)/, ''));
  return m ? Number(m[1]) : 0;
}
