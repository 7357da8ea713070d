/** Source positions, YAML errors, diagnostics formatting and suggestions. */
import * as assert from 'node:assert/strict';
import { formatDiagnostic, RunbookValidationError, type Diagnostic } from '../../../src/dsl/diagnostics';
import { parseSource, toPointer, fromPointer } from '../../../src/dsl/parse';
import { closest, editDistance } from '../../../src/dsl/suggest';

const TEXT = `# comment
apiVersion: genie.dev/v1
steps:
  - id: probe
    retry:
      maxAttempts: 3
    with: { url: "http://x", n: 2 }
  - id: block
    with:
      script: |
        line one
          {% $oops %}
`;

describe('parseSource', () => {
  const parsed = parseSource(TEXT, 'demo.yaml');

  it('parses to plain data', () => {
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal((parsed.value as { steps: { id: string }[] }).steps[1].id, 'block');
  });

  it('maps paths to the key or the value, 1-based', () => {
    assert.deepEqual(parsed.position(['steps', 0, 'retry'], 'key'), { line: 5, col: 5 });
    assert.deepEqual(parsed.position(['steps', 0, 'retry', 'maxAttempts']), { line: 6, col: 20 });
    assert.deepEqual(parsed.position(['steps', 0, 'with', 'n']), { line: 7, col: 33 });
    assert.deepEqual(parsed.position(['steps', 1], 'node'), { line: 8, col: 5 });
  });

  it('points at the nearest existing place for a missing path', () => {
    assert.deepEqual(parsed.position(['steps', 0, 'retry', 'nothing']), { line: 5, col: 5 });
  });

  it('maps offsets inside quoted strings and literal blocks', () => {
    assert.deepEqual(parsed.positionInString(['steps', 0, 'with', 'url'], 7), { line: 7, col: 26 });
    const script = 'line one\n  {% $oops %}\n';
    assert.deepEqual(parsed.positionInString(['steps', 1, 'with', 'script'], script.indexOf('$oops')), { line: 12, col: 14 });
  });

  it('reports every YAML error with its position', () => {
    const broken = parseSource('a: [1, 2\nb: "unclosed\n', 'broken.yaml');
    assert.equal(broken.value, undefined);
    assert.ok(broken.diagnostics.length >= 2);
    for (const d of broken.diagnostics) {
      assert.equal(d.code, 'YAML_SYNTAX');
      assert.ok(d.line >= 1 && d.col >= 1);
      assert.doesNotMatch(d.message, /\n/);
    }
  });

  it('rejects duplicate keys', () => {
    const [d] = parseSource('a: 1\nb: 2\na: 3\n', 'dup.yaml').diagnostics;
    assert.deepEqual([d.code, d.line, d.col], ['DUPLICATE_KEY', 3, 1]);
  });

  it('bounds alias expansion', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    const [d] = parseSource(levels.join('\n') + '\n', 'bomb.yaml').diagnostics;
    assert.equal(d?.code, 'YAML_SYNTAX');
  });

  it('round-trips JSON pointers', () => {
    const path = ['steps', 0, 'a/b', 'c~d'];
    assert.equal(toPointer(path), '/steps/0/a~1b/c~0d');
    assert.deepEqual(fromPointer(toPointer(path)), ['steps', '0', 'a/b', 'c~d']);
  });
});

describe('diagnostics', () => {
  const d: Diagnostic = { file: 'r.yaml', line: 3, col: 7, code: 'BAD_DURATION', message: "'sleep' is 'soon'", hint: 'write 30s' };

  it('formats as file:line:col: CODE message, then the hint', () => {
    assert.equal(formatDiagnostic(d), "r.yaml:3:7: BAD_DURATION 'sleep' is 'soon'\n  hint: write 30s");
    assert.equal(formatDiagnostic({ ...d, line: 0, col: 0 }), "r.yaml: BAD_DURATION 'sleep' is 'soon'\n  hint: write 30s");
  });

  it('RunbookValidationError lists every diagnostic and has a stable code', () => {
    const error = new RunbookValidationError([d, { ...d, line: 9 }]);
    assert.equal(error.code, 'RUNBOOK_INVALID');
    assert.equal(error.diagnostics.length, 2);
    assert.match(error.message, /2 problems/);
    assert.match(error.message, /r\.yaml:3:7/);
    assert.match(error.message, /r\.yaml:9:7/);
  });
});

describe('suggestions', () => {
  it('finds plausible typos only', () => {
    assert.equal(editDistance('retry', 'retyr'), 1);
    assert.equal(closest('retires', ['retry', 'timeout']), 'retry');
    assert.equal(closest('timout', ['retry', 'timeout']), 'timeout');
    assert.equal(closest('Action', ['action']), 'action');
    assert.equal(closest('banana', ['retry', 'timeout']), undefined);
  });
});
