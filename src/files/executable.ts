import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `file` is a regular file this process may execute (binaries found on disk, not trusted by name). */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The first executable file named `name` on `searchPath` (default: this process's PATH).
 * Relative PATH entries are skipped: they would resolve against whatever the working
 * directory happens to be.
 */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
