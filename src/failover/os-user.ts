/**
 * PostgreSQL refuses to run as root. When this process is root, the clusters run as an
 * unprivileged system user (GENIE_PG_USER, default `genie-pg`), created once with useradd;
 * otherwise they run as whoever we are. Every PostgreSQL program (initdb, postgres,
 * pg_basebackup, pg_rewind, pg_controldata) is spawned with that uid/gid.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  /** True when spawns must switch to this user (we are root). */
  switch: boolean;
}

export const DEFAULT_PG_USER = 'genie-pg';
const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

function lookup(name: string): { uid: number; gid: number } | undefined {
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** The user PostgreSQL programs run as; creates it when we are root and it does not exist. */
export function postgresUser(env: NodeJS.ProcessEnv = process.env): OsUser {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { name: String(uid), uid, gid: process.getgid?.() ?? 0, switch: false };
  const name = env.GENIE_PG_USER || DEFAULT_PG_USER;
  if (!NAME.test(name)) throw new Error(`GENIE_PG_USER=${JSON.stringify(name)} is not a valid user name (lowercase letters, digits, _ and -)`);
  let found = lookup(name);
  if (!found) {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 15_000,
      });
    } catch (error) {
      // Two starters racing: the other one created it.
      if (!lookup(name))
        throw new Error(
          `cannot create the system user ${name} that PostgreSQL runs as (PostgreSQL refuses root): ${(error as Error).message}. Create it yourself (useradd --system ${name}) or set GENIE_PG_USER to an existing unprivileged user.`,
        );
    }
    found = lookup(name)!;
  }
  if (found.uid === 0) throw new Error(`GENIE_PG_USER=${name} is root; PostgreSQL needs an unprivileged user`);
  return { name, ...found, switch: true };
}

/** spawn/execFile options that run a program as `user` (nothing when no switch is needed). */
export function asUser(user: OsUser): { uid?: number; gid?: number } {
  return user.switch ? { uid: user.uid, gid: user.gid } : {};
}

/** Gives `file` (and, with recursive, everything under it) to `user`, when we are root. */
export function chownTo(user: OsUser, file: string): void {
  if (user.switch) fs.chownSync(file, user.uid, user.gid);
}
