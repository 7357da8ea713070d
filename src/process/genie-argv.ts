/**
 * The argv that runs the compiled Genie CLI (`genie <args>`) under this same Node binary,
 * for supervised Genie processes (the router, demo services): an absolute path, no shell.
 */
import * as path from 'node:path';

/** dist/src/process → dist/src/cli/main.js */
export const GENIE_MAIN = path.join(__dirname, '..', 'cli', 'main.js');

export function genieArgv(args: string[]): string[] {
  return [process.execPath, GENIE_MAIN, ...args];
}
