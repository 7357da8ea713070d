/** The run-time codes: documented for authors from the one table, and the table keeps its shape. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { isRuntimeCode, RUNTIME_CODES } from '../../../src/dsl/runtime-codes';
import { RUNTIME_CODES_DOC_PATH, runtimeCodesText } from '../../../src/dsl/write-runtime-codes';

describe('run-time codes', () => {
  it('docs/runtime-codes.md is up to date with src/dsl/runtime-codes.ts', () => {
    const checkedIn = fs.existsSync(RUNTIME_CODES_DOC_PATH) ? fs.readFileSync(RUNTIME_CODES_DOC_PATH, 'utf8') : '(missing)';
    assert.ok(checkedIn === runtimeCodesText(), 'docs/runtime-codes.md is out of date: run `npm run docs` and commit the result');
  });

  it('documents every code in one row, with its meaning and whether it is retried', () => {
    const text = runtimeCodesText();
    for (const [code, info] of Object.entries(RUNTIME_CODES)) {
      const rows = text.split('\n').filter((line) => line.startsWith(`| \`${code}\` |`));
      assert.equal(rows.length, 1, `${code} has ${rows.length} rows`);
      assert.ok(rows[0].includes(info.retryable ? '| yes |' : '| no |'), rows[0]);
      assert.ok(rows[0].includes(info.meaning.replace(/\|/g, '\\|')), rows[0]);
    }
  });

  it("codes are upper snake case with a one-line meaning; the interpreter's are never retried", () => {
    for (const [code, info] of Object.entries(RUNTIME_CODES)) {
      assert.match(code, /^[A-Z][A-Z0-9_]*$/);
      assert.ok(info.meaning.length > 10 && !info.meaning.includes('\n'), code);
      if (info.raisedBy === 'interpreter') assert.equal(info.retryable, false, code);
    }
  });

  it('isRuntimeCode knows the table and nothing else', () => {
    assert.equal(isRuntimeCode('STEP_TIMEOUT'), true);
    assert.equal(isRuntimeCode('BREAKER_OPEN'), true);
    assert.equal(isRuntimeCode('STEP_TIMEOUTS'), false);
    assert.equal(isRuntimeCode('toString'), false);
  });
});
