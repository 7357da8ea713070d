/**
 * The cleanup rung: bring a temp/cache directory down to a size cap by deleting its oldest
 * files first. Only directories under a root the worker's operator allowlisted
 * (GENIE_CLEANUP_ALLOWLIST, comma-separated absolute paths; default: the state
 * directory's `cache`) may be touched. Symbolic links are never followed (a link into
 * /etc is removed as a link, its target left alone), and the directory itself stays.
 *
 * Whoever can write into the directory can swap a subdirectory for a link between the walk
 * and the delete (`a/` → `/etc`, so `a/passwd` would name /etc/passwd). So each directory is
 * entered only if it still is the real directory the walk expects, and each file is unlinked
 * only if its parent still resolves to where it was found and it is still the same inode.
 * Node has no unlinkat(2), so a window of one system call remains between that check and the
 * unlink; it is no longer the length of the walk.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isWithin } from '../files/within';
import { stateDir } from '../paths';
import { GenieError } from '../errors/genie-error';

export const CLEANUP_ALLOWLIST = 'GENIE_CLEANUP_ALLOWLIST';

export class CleanupError extends GenieError {
  constructor(
    readonly code: 'CLEANUP_NOT_ALLOWED' | 'CLEANUP_BAD_PATH',
    message: string,
  ) {
    super(message);
  }
}

export function cleanupRoots(): string[] {
  const raw = process.env[CLEANUP_ALLOWLIST];
  if (raw === undefined) return [path.join(stateDir(), 'cache')];
  return raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => path.isAbsolute(e))
    .map((e) => path.resolve(e));
}

export interface FileEntry {
  file: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/** True when `dir` is (still) a real directory at exactly that path: no link anywhere on the way. */
async function stillRealDirectory(dir: string): Promise<boolean> {
  const [stat, real] = await Promise.all([fs.lstat(dir).catch(() => undefined), fs.realpath(dir).catch(() => undefined)]);
  return Boolean(stat?.isDirectory()) && real === dir;
}

export async function walk(dir: string, out: FileEntry[], signal?: AbortSignal): Promise<void> {
  if (!(await stillRealDirectory(dir))) return;
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (signal?.aborted) return;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, out, signal);
    else {
      const stat = await fs.lstat(full).catch(() => undefined);
      if (stat && !stat.isDirectory()) out.push({ file: full, size: stat.isFile() ? stat.size : 0, mtimeMs: stat.mtimeMs, dev: stat.dev, ino: stat.ino });
    }
  }
}

/** Unlink `f` only if it is still the file the walk found, where the walk found it. */
export async function unlinkIfUnchanged(f: FileEntry): Promise<boolean> {
  if (!(await stillRealDirectory(path.dirname(f.file)))) return false;
  const now = await fs.lstat(f.file).catch(() => undefined);
  if (!now || now.isDirectory() || now.dev !== f.dev || now.ino !== f.ino) return false;
  // unlink, never rm: a directory swapped in under this name is refused, not emptied.
  return fs.unlink(f.file).then(
    () => true,
    () => false,
  );
}

export async function cleanupDirectory(target: string, maxBytes: number, options: { dryRun?: boolean; signal?: AbortSignal } = {}) {
  if (!path.isAbsolute(target)) throw new CleanupError('CLEANUP_BAD_PATH', `path ${JSON.stringify(target)} must be absolute`);
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new CleanupError('CLEANUP_BAD_PATH', 'maxBytes must be a whole number ≥ 0');
  let real: string;
  try {
    real = await fs.realpath(target);
  } catch {
    throw new CleanupError('CLEANUP_BAD_PATH', `${target} does not exist on this worker`);
  }
  if (!(await fs.stat(real)).isDirectory()) throw new CleanupError('CLEANUP_BAD_PATH', `${target} is not a directory`);
  const roots = cleanupRoots();
  const realRoots = await Promise.all(roots.map((r) => fs.realpath(r).catch(() => r)));
  const allowed = realRoots.some((root) => isWithin(real, root));
  if (!allowed) {
    throw new CleanupError(
      'CLEANUP_NOT_ALLOWED',
      `${target} is not inside a directory allowlisted for cleanup; add it (or a parent) to ${CLEANUP_ALLOWLIST} (now: ${roots.join(', ') || 'empty'})`,
    );
  }
  const files: FileEntry[] = [];
  await walk(real, files, options.signal);
  const before = files.reduce((a, f) => a + f.size, 0);
  let size = before;
  const deleted: string[] = [];
  for (const f of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (size <= maxBytes || options.signal?.aborted) break;
    if (!options.dryRun && !(await unlinkIfUnchanged(f))) continue;
    size -= f.size;
    deleted.push(path.relative(real, f.file));
  }
  return {
    path: real,
    maxBytes,
    beforeBytes: before,
    afterBytes: size,
    freedBytes: before - size,
    deletedFiles: deleted.length,
    // The names say what went; a long list is cut, history is not a file listing.
    deleted: deleted.slice(0, 20),
    ...(options.dryRun ? { dryRun: true } : {}),
  };
}
