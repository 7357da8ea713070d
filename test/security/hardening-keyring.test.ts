/**
 * Issue 12 §8 durability: a key rotation killed at any moment must leave a keyring that
 * still opens (losing it loses every encrypted history), and a keyring others can read is refused.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../src/paths';
import { KeyringError, readKeyring } from '../../src/temporal/codec/keyring';

const KEYRING_MODULE = path.join(projectRoot, 'dist', 'src', 'temporal', 'codec', 'keyring.js');

/** A ring with many keys, so each rewrite takes long enough for a kill to land inside it. */
function writeLargeRing(file: string, count: number): void {
  const keys: Record<string, string> = {};
  for (let i = 0; i < count; i++) keys[`old${i}`] = randomBytes(32).toString('base64');
  fs.writeFileSync(file, JSON.stringify({ current: 'old0', keys }), { mode: 0o600 });
}

/** A child that rotates the ring in a tight loop until it is killed. */
function rotateForever(file: string) {
  const script = `const k = require(${JSON.stringify(KEYRING_MODULE)}); process.stdout.write('go\\n'); for (;;) k.rotateKeyring(${JSON.stringify(file)});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, started, exited };
}

describe('security: keyring durability (issue 12 §8)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-keyring-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a rotation SIGKILLed at 20 random moments always leaves a readable keyring with every old key', async () => {
    const file = path.join(dir, 'keyring.json');
    writeLargeRing(file, 20_000);
    for (let round = 0; round < 20; round++) {
      const rotator = rotateForever(file);
      await rotator.started;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 150));
      rotator.child.kill('SIGKILL');
      await rotator.exited;
      const ring = readKeyring(file);
      assert.ok(ring, `round ${round}: keyring vanished`);
      assert.ok(ring.keys.has('old0') && ring.keys.has('old19999'), `round ${round}: old keys lost`);
    }
    const leftovers = fs.readdirSync(dir).filter((name) => name !== 'keyring.json');
    assert.ok(
      leftovers.every((name) => name.startsWith('.keyring.json.tmp-')),
      `unexpected files: ${leftovers.join(', ')}`,
    );
  });

  it('refuses a group- or world-readable keyring, naming the file and chmod 600', () => {
    const file = path.join(dir, 'keyring.json');
    fs.writeFileSync(file, JSON.stringify({ current: 'a', keys: { a: randomBytes(32).toString('base64') } }));
    fs.chmodSync(file, 0o644);
    assert.throws(
      () => readKeyring(file),
      (err: Error) => err instanceof KeyringError && err.message.includes(file) && /chmod 600/.test(err.message),
    );
    fs.chmodSync(file, 0o600);
    assert.ok(readKeyring(file));
  });
});
