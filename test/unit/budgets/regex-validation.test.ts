import { strict as assert } from 'node:assert';
import { actionCatalog } from '../../../activities/registry';
import { validateRunbook } from '../../../src/dsl/validate';

const runbook = (expression: string) => `apiVersion: genie.dev/v1
kind: generic
metadata: { name: regex-check, version: 1.0.0 }
steps:
  - id: check
    action: util.echo
    with:
      found: '{% ${expression} %}'
`;

describe('validation: regex literals the linear-time engine cannot run', () => {
  it('a backreference is a file:line:col error naming the step and the regex', () => {
    const { diagnostics } = validateRunbook(runbook('$contains("aa", /(a)\\1/)'), 'r.yaml', actionCatalog);
    const d = diagnostics.find((x) => /linear-time engine/.test(x.message));
    assert.ok(d, JSON.stringify(diagnostics));
    assert.match(d.message, /\/\(a\)\\1\/ in 'with.found' of step 'check'/);
    assert.equal(d.file, 'r.yaml');
    assert.equal(d.line, 8);
  });

  it('an RE2-compatible regex, even a catastrophic one for backtracking, validates', () => {
    const { diagnostics } = validateRunbook(runbook('$contains("aab", /^(a+)+$/)'), 'r.yaml', actionCatalog);
    assert.deepEqual(diagnostics, []);
  });
});
