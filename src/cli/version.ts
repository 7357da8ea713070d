/** `genie --version`: the version in the package.json genie was installed from. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../paths';

export function genieVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
