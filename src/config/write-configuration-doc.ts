/** `npm run docs`: writes docs/configuration.md from the table of variables. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../paths';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './configuration-doc';

const file = path.join(projectRoot, CONFIGURATION_DOC);
fs.writeFileSync(file, renderConfigurationDoc());
process.stdout.write(`wrote ${CONFIGURATION_DOC}\n`);
