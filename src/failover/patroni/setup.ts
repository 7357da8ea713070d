/**
 * `npm run setup:patroni`: installs Patroni (the tool the failover bench measures Genie
 * against) into a project-local virtualenv, .genie/patroni-venv, with pinned versions so two
 * machines measure the same Patroni. Idempotent: when the venv already reports the pinned
 * version nothing is downloaded. CI runs it before the Patroni smoke test.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PATRONI_VERSION = '4.0.4';
/** What pip installs: Patroni with the etcd v3 client and the psycopg 3 driver it talks to PostgreSQL with. */
export const PATRONI_REQUIREMENTS = [`patroni[etcd3]==${PATRONI_VERSION}`, 'psycopg[binary]==3.2.3'];

export const patroniVenv = (root = process.cwd()): string => path.join(root, '.genie', 'patroni-venv');
export const patroniBinary = (root = process.cwd()): string => path.join(patroniVenv(root), 'bin', 'patroni');

/** The installed Patroni version, or undefined when the venv has none. */
export function installedPatroniVersion(root = process.cwd()): string | undefined {
  const bin = patroniBinary(root);
  if (!fs.existsSync(bin)) return undefined;
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim().split(/\s+/).pop();
  } catch {
    return undefined;
  }
}

export function setupPatroni(root = process.cwd(), log = (l: string) => process.stderr.write(`${l}\n`)): string {
  const venv = patroniVenv(root);
  if (installedPatroniVersion(root) === PATRONI_VERSION) {
    log(`patroni ${PATRONI_VERSION} already in ${venv}`);
    return patroniBinary(root);
  }
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  // Patroni runs as the unprivileged PostgreSQL user, so the venv's interpreter must be one that
  // user can execute: the system python, not a per-user one such as pyenv's under /root.
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) execFileSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 2, 2], timeout: 120_000 });
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', ...PATRONI_REQUIREMENTS], {
    stdio: ['ignore', 2, 2],
    timeout: 600_000,
  });
  const version = installedPatroniVersion(root);
  if (version !== PATRONI_VERSION) throw new Error(`pip finished but ${patroniBinary(root)} reports ${version ?? 'nothing'}, not ${PATRONI_VERSION}`);
  log(`patroni ${PATRONI_VERSION} installed in ${venv}`);
  return patroniBinary(root);
}

if (require.main === module) {
  try {
    setupPatroni();
  } catch (error) {
    process.stderr.write(`setup:patroni failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
