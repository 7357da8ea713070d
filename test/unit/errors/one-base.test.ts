/** Every error class of Genie's own has GenieError as its base: one scheme for code and name. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../src/paths';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('one error base', () => {
  it('no class in src/, activities/ or workflows/ extends Error but GenieError itself', () => {
    const files = ['src', 'activities', 'workflows'].flatMap((d) => sources(path.join(projectRoot, d)));
    assert.ok(files.length > 100, `only ${files.length} files found`);
    const direct = files.flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => `${path.relative(projectRoot, file)}: ${m[1]}`),
    );
    assert.deepEqual(direct, ['src/errors/genie-error.ts: GenieError']);
  });
});
