/** `-` is stdin wherever the CLI reads a file: read to its end, capped like a runbook file (1 MiB). */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_DOCUMENT_BYTES } from '../../../src/dsl/parse';
import { projectRoot } from '../../../src/paths';
import { genieInProcess } from '../../helpers/cli';
import { GENIE_MAIN } from '../../helpers/processes';

const HELLO = fs.readFileSync(path.join(projectRoot, 'runbooks', 'hello.yaml'), 'utf8');
const BROKEN = 'apiVersion: genie.dev/v1\nkind: generic\nmetadata: {name: broken, version: "1"}\nsteps:\n  - id: a\n    action: no.such.action\n';

/** Endless input, counting what was taken from it: the cap must stop the reading, not only the result. */
function endless(): { reader: AsyncIterable<Buffer>; read: () => number } {
  let read = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      read += 64 * 1024;
      yield Buffer.alloc(64 * 1024, 0x61);
    }
  }
  return { reader: chunks(), read: () => read };
}

describe('genie reads - as stdin', () => {
  it('validate - checks the runbook piped in', async () => {
    const good = await genieInProcess(['validate', '-'], {}, HELLO);
    assert.equal(good.code, 0, good.output);
    assert.match(good.stdout, /1 file\(s\) checked: 1 valid, 0 with 0 problem\(s\)/);
    const bad = await genieInProcess(['validate', '-', '--json'], {}, BROKEN);
    assert.equal(bad.code, 1, bad.output);
    const [result] = JSON.parse(bad.stdout) as { file: string; valid: boolean; diagnostics: { code: string }[] }[];
    assert.equal(result.file, 'stdin');
    assert.equal(result.valid, false);
    assert.ok(result.diagnostics.length > 0);
  });

  it('validate - beside files reports stdin as stdin:line:col, in the order given', async () => {
    const { code, stdout } = await genieInProcess(['validate', path.join(projectRoot, 'runbooks', 'hello.yaml'), '-'], {}, BROKEN);
    assert.equal(code, 1);
    assert.match(stdout, /^stdin:\d+:\d+: [A-Z_]+ /m);
    assert.match(stdout, /2 file\(s\) checked: 1 valid, 1 with/);
  });

  it('more than 1 MiB on stdin is refused with the limit, and reading stops there', async () => {
    const input = endless();
    const { code, stderr } = await genieInProcess(['validate', '-'], {}, input.reader);
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`stdin \\(-\\) is more than the limit of ${MAX_DOCUMENT_BYTES} bytes \\(1 MiB\\)`));
    assert.ok(input.read() <= MAX_DOCUMENT_BYTES + 64 * 1024, `read ${input.read()} bytes`);
  });

  it('- can be given once (stdin is empty the second time)', async () => {
    const { code, stderr } = await genieInProcess(['validate', '-', '-'], {}, HELLO);
    assert.equal(code, 2);
    assert.match(stderr, /- \(stdin\) can be given once/);
  });

  it('run - validates the piped runbook and its parameters before starting anything', async () => {
    const badParam = await genieInProcess(['run', '-', '--param', 'colour=blue'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, HELLO);
    assert.equal(badParam.code, 2, badParam.output);
    assert.match(badParam.stderr, /parameters of hello are invalid; nothing was started/);
    const broken = await genieInProcess(['run', '-'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, BROKEN);
    assert.equal(broken.code, 1, broken.output);
    assert.match(broken.stderr, /stdin:\d+:\d+/);
  });

  it('chaos import - converts the experiment piped in', async () => {
    const experiment = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'chaostoolkit', 'steady.json'), 'utf8');
    const { code, stdout, stderr } = await genieInProcess(['chaos', 'import', '-'], {}, experiment);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^# Imported from the Chaos Toolkit experiment stdin by genie chaos import\n/);
    assert.match(stdout, /^kind: chaos$/m);
  });

  it('the real process reads its own stdin', () => {
    const out = execFileSync(process.execPath, [GENIE_MAIN, 'validate', '-'], { input: HELLO, encoding: 'utf8' });
    assert.match(out, /1 file\(s\) checked: 1 valid/);
  });
});
