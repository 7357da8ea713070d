/** Whether `file` is a regular file this process may execute (binaries found on disk, not trusted by name). */
import * as fs from 'node:fs';

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
