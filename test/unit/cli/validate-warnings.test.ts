/** `genie validate` shows warnings as compilers do, and a runbook with only warnings is valid (exit 0). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { genie } from '../../helpers/processes';

describe('genie validate: warnings', function () {
  this.timeout(30_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-validate-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints an unknown retry.nonRetryable code as a warning and exits 0', async () => {
    const file = path.join(tmp, 'typo.yaml');
    fs.writeFileSync(
      file,
      [
        'apiVersion: genie.dev/v1',
        'kind: generic',
        'metadata: { name: typo, version: 1.0.0 }',
        'steps:',
        '  - id: call',
        '    action: util.echo',
        '    with: { x: 1 }',
        '    retry: { nonRetryable: [STEP_TIMOUT] }',
        '',
      ].join('\n'),
    );
    const text = await genie(['validate', file]);
    assert.equal(text.code, 0, text.output);
    assert.match(
      text.output,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8:\\d+: warning: UNKNOWN_ERROR_CODE retry\\.nonRetryable of step 'call' names STEP_TIMOUT`),
    );
    assert.match(text.output, /did you mean STEP_TIMEOUT\?/);
    assert.match(text.output, /1 file\(s\) checked: 1 valid/);
    const json = await genie(['validate', file, '--json']);
    assert.equal(json.code, 0);
    const [result] = JSON.parse(json.output) as { valid: boolean; warnings?: { code: string; stepId: string }[] }[];
    assert.equal(result.valid, true);
    assert.deepEqual(
      result.warnings?.map((w) => [w.code, w.stepId]),
      [['UNKNOWN_ERROR_CODE', 'call']],
    );
  });
});
