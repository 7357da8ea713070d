/**
 * What chaos may touch: an explicit allowlist of targets, one `kind:name` entry each, from
 * GENIE_CHAOS_TARGETS (comma or space separated). A trailing `*` matches any suffix
 * (`netns:genie-chaos-*`). Anything not listed cannot be hit: the validator refuses a runbook
 * naming it (file:line:col) and the injecting activity refuses again at run time.
 *
 * Kinds: `pool:<router pool>` (HTTP faults), `netns:<namespace>/<interface>` (network faults),
 * `host:local` (CPU and memory pressure on the worker's host), `dir:<absolute directory>`
 * (disk fill), `process:<supervisor name>` (signals).
 *
 * Unset, the list is the demo environment `genie up` creates: pools canary and stable, the
 * demo processes canary and stable, the local host, <state dir>/chaos-fill, and namespaces
 * named genie-chaos-*. Set it to the empty string to allow nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWithin } from '../files/within';
import { stateDir } from '../paths';

export const TARGETS_VARIABLE = 'GENIE_CHAOS_TARGETS';
export const TARGET_KINDS = ['pool', 'netns', 'host', 'dir', 'process'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export function defaultFillDir(): string {
  return path.join(stateDir(), 'chaos-fill');
}

function defaults(): string[] {
  return ['pool:canary', 'pool:stable', 'process:canary', 'process:stable', 'host:local', `dir:${defaultFillDir()}`, 'netns:genie-chaos-*'];
}

export function allowlist(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[TARGETS_VARIABLE];
  if (raw === undefined) return defaults();
  return raw
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** Is `kind:name` allowlisted? Directories also match anything below an allowlisted one. */
export function isAllowed(kind: TargetKind, name: string, list: string[] = allowlist()): boolean {
  const wanted = `${kind}:${name}`;
  return list.some((entry) => {
    if (entry.endsWith('*')) return wanted.startsWith(entry.slice(0, -1));
    if (entry === wanted) return true;
    if (kind === 'dir' && entry.startsWith('dir:')) {
      const root = path.resolve(entry.slice(4));
      const resolved = path.resolve(name);
      return isWithin(resolved, root);
    }
    return false;
  });
}

/**
 * Is the real directory `real` (symlinks resolved) at or below an allowlisted directory, with
 * the allowlisted roots' own symlinks resolved too (a root like /tmp may itself be a link)?
 */
export function isAllowedDirectory(real: string, list: string[] = allowlist()): boolean {
  return list
    .filter((e) => e.startsWith('dir:'))
    .some((entry) => {
      const written = path.resolve(entry.slice(4));
      let root: string;
      try {
        root = fs.realpathSync(written);
      } catch {
        root = written;
      }
      return isWithin(real, root);
    });
}

/** The entries of one kind, for messages ("allowed: pool:canary, pool:stable"). */
export function allowedOfKind(kind: TargetKind, list: string[] = allowlist()): string[] {
  return list.filter((e) => e.startsWith(`${kind}:`));
}

export function notAllowedMessage(kind: TargetKind, name: string, list: string[] = allowlist()): string {
  const same = allowedOfKind(kind, list);
  return `target ${kind}:${name} is not in the chaos allowlist (${TARGETS_VARIABLE}); allowed ${kind} targets: ${same.length ? same.join(', ') : 'none'}`;
}
