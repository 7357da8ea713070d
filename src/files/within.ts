import * as path from 'node:path';

/** Is `dir` the directory `root` or below it? Both absolute and normalised; no symlinks are resolved here. */
export function isWithin(dir: string, root: string): boolean {
  return dir === root || dir.startsWith(root + path.sep);
}
