/** retry.nonRetryable naming a code nothing raises is a warning (with a suggestion), never an error. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionCatalog } from '../../../activities/registry';
import { formatWarning } from '../../../src/dsl/diagnostics';
import { listRunbookFiles, validateFiles } from '../../../src/dsl/load';
import { validateRunbook } from '../../../src/dsl/validate';
import { projectRoot } from '../../../src/paths';

const HEAD = 'apiVersion: genie.dev/v1\nkind: generic\nmetadata: { name: ok, version: 1.0.0 }\n';

function validate(steps: string, extra = '') {
  return validateRunbook(`${HEAD}${extra}steps:\n${steps}\n`, 'inline.yaml', actionCatalog);
}

describe('retry.nonRetryable codes', () => {
  it('warns on an unknown code, naming the step, the field and the code, and suggests the closest known one', () => {
    const result = validate('- id: call\n  action: util.echo\n  with: { x: 1 }\n  retry: { maxAttempts: 3, nonRetryable: [BAD_ARGUMENT, BREAKR_OPEN] }');
    assert.deepEqual(result.diagnostics, [], 'an unknown code is never an error');
    assert.ok(result.runbook, 'the runbook stays valid');
    assert.equal(result.warnings?.length, 1, JSON.stringify(result.warnings));
    const [w] = result.warnings!;
    assert.equal(w.code, 'UNKNOWN_ERROR_CODE');
    assert.equal(w.stepId, 'call');
    assert.equal(w.path, '/steps/0/retry/nonRetryable/1');
    assert.equal(w.line, 8);
    assert.match(w.message, /retry\.nonRetryable of step 'call' names BREAKR_OPEN/);
    assert.match(w.hint, /did you mean BREAKER_OPEN\?/);
    assert.match(formatWarning(w), /^inline\.yaml:8:\d+: warning: UNKNOWN_ERROR_CODE /);
  });

  it('checks the runbook defaults too, and gives no suggestion when nothing is close', () => {
    const result = validate('- id: call\n  action: util.echo\n  with: { x: 1 }', 'defaults: { retry: { nonRetryable: [ZZZQQQ] } }\n');
    assert.ok(result.runbook);
    assert.equal(result.warnings?.length, 1);
    assert.equal(result.warnings![0].path, '/defaults/retry/nonRetryable/0');
    assert.match(result.warnings![0].message, /of the runbook defaults names ZZZQQQ/);
    assert.doesNotMatch(result.warnings![0].hint, /did you mean/);
  });

  it('knows the run-time codes and the codes the runbook raises itself (fail.code, util.fail with.code)', () => {
    const result = validate(
      [
        '- id: call\n  action: util.fail\n  with: { message: boom, code: MY_OWN_CODE }\n  retry: { nonRetryable: [MY_OWN_CODE, STEP_TIMEOUT, HTTP_TIMEOUT, AUTHORED_CODE] }\n  onError: continue',
        '- id: stop\n  fail: { message: stop, code: AUTHORED_CODE }',
      ].join('\n'),
    );
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.warnings, undefined, JSON.stringify(result.warnings));
  });

  it('the shipped runbooks raise no warning', () => {
    const dir = path.join(projectRoot, 'runbooks');
    assert.ok(fs.existsSync(dir) && listRunbookFiles(dir).length > 0);
    const warned = validateFiles([dir], actionCatalog).filter((r) => r.warnings);
    assert.deepEqual(
      warned.map((r) => r.warnings!.map(formatWarning)),
      [],
    );
  });
});
