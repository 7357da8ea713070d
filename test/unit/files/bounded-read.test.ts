import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileTooLargeError, isInside, NotRegularFileError, readBoundedText } from '../../../src/files/bounded-read';

describe('readBoundedText', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-bounded-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a file up to the limit exactly', () => {
    const file = path.join(dir, 'ok.txt');
    fs.writeFileSync(file, 'x'.repeat(100));
    assert.equal(readBoundedText(file, 100), 'x'.repeat(100));
  });

  it('refuses one byte over the limit', () => {
    const file = path.join(dir, 'big.txt');
    fs.writeFileSync(file, 'x'.repeat(101));
    assert.throws(() => readBoundedText(file, 100), FileTooLargeError);
  });

  it('refuses devices, whose stat size is 0 and which never end, without reading them', () => {
    const before = process.memoryUsage().rss;
    assert.throws(() => readBoundedText('/dev/zero', 1024 * 1024), NotRegularFileError);
    assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024);
  });

  it('refuses directories', () => {
    assert.throws(() => readBoundedText(dir, 1024), NotRegularFileError);
  });
});

describe('isInside', () => {
  it('is true for the directory and below, false for siblings sharing a prefix', () => {
    assert.ok(isInside('/srv/runbooks', '/srv/runbooks'));
    assert.ok(isInside('/srv/runbooks', '/srv/runbooks/a/b.yaml'));
    assert.ok(!isInside('/srv/runbooks', '/srv/runbooks-evil/b.yaml'));
    assert.ok(!isInside('/srv/runbooks', '/etc/passwd'));
  });
});
