/**
 * The cleanup rung on a real directory tree: links are removed as links, and a directory
 * swapped for a link between the walk and the delete (the race a local user could run) makes
 * the delete skip the file instead of deleting through the link.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupDirectory, type FileEntry, unlinkIfUnchanged, walk } from '../../../src/healing/cleanup';

describe('cleanup rung: links and swapped directories', () => {
  let tmp: string;
  let cache: string;
  let outside: string;
  const saved = process.env.GENIE_CLEANUP_ALLOWLIST;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'genie-cleanup-')));
    cache = path.join(tmp, 'cache');
    outside = path.join(tmp, 'precious');
    fs.mkdirSync(path.join(cache, 'sub'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'keep'), 'x'.repeat(100));
    fs.writeFileSync(path.join(cache, 'sub', 'keep'), 'y'.repeat(100));
    process.env.GENIE_CLEANUP_ALLOWLIST = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.GENIE_CLEANUP_ALLOWLIST;
    else process.env.GENIE_CLEANUP_ALLOWLIST = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('removes a link inside the directory as a link and leaves its target alone', async () => {
    fs.symlinkSync(outside, path.join(cache, 'link-to-dir'));
    fs.symlinkSync(path.join(outside, 'keep'), path.join(cache, 'link-to-file'));
    const result = await cleanupDirectory(cache, 0);
    assert.equal(result.afterBytes, 0);
    assert.deepEqual(fs.readdirSync(cache), ['sub']);
    assert.equal(fs.readFileSync(path.join(outside, 'keep'), 'utf8').length, 100, 'the link target was touched');
  });

  it('skips a file whose directory was swapped for a link after the walk', async () => {
    const files: FileEntry[] = [];
    await walk(cache, files);
    assert.deepEqual(
      files.map((f) => path.relative(cache, f.file)),
      ['sub/keep'],
    );
    // The race: sub/ becomes a link to a directory holding a file of the same name.
    fs.rmSync(path.join(cache, 'sub'), { recursive: true });
    fs.symlinkSync(outside, path.join(cache, 'sub'));
    assert.equal(await unlinkIfUnchanged(files[0]), false);
    assert.ok(fs.existsSync(path.join(outside, 'keep')), 'deleted through the swapped-in link');
  });

  it('skips a file replaced by another one after the walk, and deletes an unchanged one', async () => {
    const files: FileEntry[] = [];
    await walk(cache, files);
    fs.writeFileSync(path.join(tmp, 'other'), 'z'); // before the removal, so it cannot reuse the inode
    fs.rmSync(files[0].file);
    fs.linkSync(path.join(tmp, 'other'), files[0].file); // same name, another inode
    assert.equal(await unlinkIfUnchanged(files[0]), false);
    assert.ok(fs.existsSync(files[0].file));
    const again: FileEntry[] = [];
    await walk(cache, again);
    assert.equal(await unlinkIfUnchanged(again[0]), true);
    assert.equal(fs.existsSync(again[0].file), false);
  });

  it('does not descend into a directory that is a link', async () => {
    fs.symlinkSync(outside, path.join(cache, 'sub', 'deeper'));
    const files: FileEntry[] = [];
    await walk(cache, files);
    assert.deepEqual(files.map((f) => path.relative(cache, f.file)).sort(), ['sub/deeper', 'sub/keep']);
  });
});
