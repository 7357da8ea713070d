/**
 * The corpus of bad runbooks: each file in test/fixtures/bad-runbooks declares the
 * diagnostics it must produce with "# expect: CODE line:col" header lines, and must
 * produce exactly those (all of them, nothing else).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionCatalog } from '../../../activities/registry';
import { DIAGNOSTIC_CODES, formatDiagnostic, type DiagnosticCode } from '../../../src/dsl/diagnostics';
import { validateFile } from '../../../src/dsl/load';
import { MAX_DOCUMENT_BYTES } from '../../../src/dsl/parse';
import { validateRunbook } from '../../../src/dsl/validate';
import { projectRoot } from '../../../src/paths';

const dir = path.join(projectRoot, 'test', 'fixtures', 'bad-runbooks');
const files = fs
  .readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();
const EXPECT = /^# expect: ([A-Z_]+) (\d+):(\d+)$/gm;

/** Codes that cannot come from a file's content alone; each is covered by the test named here. */
const COVERED_ELSEWHERE: Partial<Record<DiagnosticCode, string>> = {
  LIMIT_SIZE: 'this file: a document over 1 MiB',
  FILE_READ: 'load.test.ts: validateFiles with a missing path',
  PARAM_REQUIRED: 'params.test.ts',
  PARAM_UNKNOWN: 'params.test.ts',
  PARAM_VALUE: 'params.test.ts',
  UNKNOWN_ERROR_CODE: 'retry-code-check.test.ts (a warning: the runbooks here are invalid ones)',
};

function read(file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

describe('bad runbooks (test/fixtures/bad-runbooks)', () => {
  it('has a corpus of at least 45 files', () => {
    assert.ok(files.length >= 45, `only ${files.length} fixtures`);
  });

  for (const file of files) {
    it(`${file}: reports exactly the expected diagnostics`, () => {
      const text = read(file);
      const expected = [...text.matchAll(EXPECT)].map((m) => `${m[1]} ${m[2]}:${m[3]}`).sort();
      assert.ok(expected.length > 0, `${file} declares no "# expect: CODE line:col" lines`);
      const result = validateRunbook(text, file, actionCatalog);
      const actual = result.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`).sort();
      assert.deepEqual(actual, expected, `diagnostics were:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
      assert.equal(result.runbook, undefined, 'an invalid runbook must not be returned');
      for (const d of result.diagnostics) {
        assert.ok(d.message.length > 0 && d.hint.length > 0, `${d.code} needs a message and a hint`);
        assert.equal(d.file, file);
      }
    });
  }

  it('exercises every diagnostic code (here or in the test named for it)', () => {
    const seen = new Set(files.flatMap((f) => [...read(f).matchAll(EXPECT)].map((m) => m[1])));
    for (const code of Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]) {
      assert.ok(seen.has(code) || COVERED_ELSEWHERE[code], `no fixture expects ${code}`);
    }
    for (const code of seen) assert.ok(code in DIAGNOSTIC_CODES, `fixtures expect unknown code ${code}`);
  });

  it('says what is wrong in words an author can act on', () => {
    const message = (file: string, code: DiagnosticCode) => validateRunbook(read(file), file, actionCatalog).diagnostics.find((d) => d.code === code)?.message;
    assert.equal(message('unknown-step-field.yaml', 'SCHEMA_UNKNOWN_FIELD'), "unknown field 'retires' in step 'probe' (did you mean 'retry'?)");
    assert.match(message('unknown-action.yaml', 'UNKNOWN_ACTION') ?? '', /did you mean 'util\.echo'/);
    assert.match(message('dangling-sibling-branch.yaml', 'DANGLING_STEP_REF') ?? '', /another branch of parallel step 'fan'/);
    assert.match(message('duplicate-step-id.yaml', 'DUPLICATE_STEP_ID') ?? '', /first defined at line 9/);
    assert.match(message('step-kind-missing.yaml', 'STEP_KIND_MISSING') ?? '', /has no kind/);
  });

  it('carries the JSON pointer and the step id of each problem', () => {
    const [d] = validateRunbook(read('unknown-step-field.yaml'), 'x.yaml', actionCatalog).diagnostics;
    assert.equal(d.path, '/steps/0/retires');
    assert.equal(d.stepId, 'probe');
  });

  describe('a document over 1 MiB (LIMIT_SIZE)', () => {
    const big = `# ${'x'.repeat(MAX_DOCUMENT_BYTES)}\n${read('step-kind-missing.yaml')}`;

    it('is refused before parsing', () => {
      const result = validateRunbook(big, 'big.yaml', actionCatalog);
      assert.deepEqual(
        result.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`),
        ['LIMIT_SIZE 1:1'],
      );
    });

    it('is refused from disk without being read', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-dsl-'));
      try {
        const file = path.join(tmp, 'big.yaml');
        fs.writeFileSync(file, big);
        assert.deepEqual(
          validateFile(file, actionCatalog).diagnostics.map((d) => d.code),
          ['LIMIT_SIZE'],
        );
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('counts bytes, not characters', () => {
      const accents = 'é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1); // 2 bytes each in UTF-8
      assert.equal(validateRunbook(`# ${accents}\n`, 'accents.yaml', actionCatalog).diagnostics[0]?.code, 'LIMIT_SIZE');
    });
  });
});
