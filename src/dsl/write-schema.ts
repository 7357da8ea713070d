/**
 * `npm run schema`: writes the published JSON Schema to runbooks/runbook.schema.json, for
 * editors (yaml-language-server, VS Code) and other tools. A unit test fails when the
 * checked-in file is out of date with src/dsl/types.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../paths';
import { buildPublishedSchema } from './json-schema';

export const SCHEMA_PATH = path.join(projectRoot, 'runbooks', 'runbook.schema.json');

export function schemaText(): string {
  return JSON.stringify(buildPublishedSchema(), null, 2) + '\n';
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(SCHEMA_PATH), { recursive: true });
  fs.writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_PATH) || SCHEMA_PATH}`);
}
