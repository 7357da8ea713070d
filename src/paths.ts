/** Where the project lives, found the same way from src/ or from compiled dist/src/. */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'genie') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find Genie's package.json above ${start}`);
  }
}

export const projectRoot = findProjectRoot(__dirname);
/** Local state: the dev server's database, installed binaries, keys. */
export function stateDir(): string {
  return path.resolve(process.env.GENIE_STATE_DIR ?? path.join(projectRoot, '.genie'));
}
export function runbookDir(): string {
  return path.resolve(process.env.GENIE_RUNBOOK_DIR ?? path.join(projectRoot, 'runbooks'));
}
