/** The runbook the README's tour shows is one the validator accepts. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionCatalog } from '../../../activities/registry';
import { validateRunbook } from '../../../src/dsl/validate';
import { projectRoot } from '../../../src/paths';

describe('docs: the README example runbook', () => {
  it('validates with no problems', () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## A short tour')))?.[1];
    assert.ok(example, 'no yaml example under ## A short tour');
    const result = validateRunbook(example, 'README.md', actionCatalog);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.runbook?.metadata.name, 'triage');
  });
});
