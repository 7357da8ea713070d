/**
 * The lock the process and chaos stores share: a lock left by a SIGKILLed holder is taken over
 * by exactly one of many waiters, and the critical sections of real competing processes never
 * overlap. (The chaos store once deleted a stale lock directly: two waiters could both end up
 * holding it.)
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { identify } from '../../../src/process/proc';

const LOCK_MODULE = path.resolve(__dirname, '../../../src/process/holder-lock.js');
const WAITERS = 8;
const ROUNDS = 5;

/** One competing process: ROUNDS critical sections, each logging enter/exit around a short sleep. */
const CHILD = `
const fs = require('node:fs');
const { withHolderLock } = require(${JSON.stringify(LOCK_MODULE)});
const [lock, log] = process.argv.slice(1);
(async () => {
  for (let i = 0; i < ${ROUNDS}; i++) {
    await withHolderLock(lock, { waitMs: 30000, pollMs: 1, busy: () => new Error('busy') }, async () => {
      fs.appendFileSync(log, 'enter ' + process.pid + '\\n');
      await new Promise((r) => setTimeout(r, 15));
      fs.appendFileSync(log, 'exit ' + process.pid + '\\n');
    });
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

function run(args: string[]): Promise<number> {
  const child = spawn(process.execPath, ['-e', CHILD, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
}

describe('holder lock: stale takeover by one waiter, no overlapping holders', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`${WAITERS} processes racing over a SIGKILLed holder's lock never hold it at the same time`, async () => {
    // A holder that really died: its identity recorded while it ran, then SIGKILL.
    const victim = spawn('sleep', ['30']);
    await new Promise((r) => victim.once('spawn', r));
    const dead = identify(victim.pid!);
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    const lock = path.join(dir, 'x.lock');
    const log = path.join(dir, 'log');
    fs.writeFileSync(lock, JSON.stringify(dead));

    const codes = await Promise.all(Array.from({ length: WAITERS }, () => run([lock, log])));
    assert.deepEqual(codes, Array(WAITERS).fill(0));
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(lines.length, WAITERS * ROUNDS * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, exit] = [lines[i]!.split(' '), lines[i + 1]!.split(' ')];
      assert.deepEqual(
        [enter[0], exit[0], exit[1]],
        ['enter', 'exit', enter[1]],
        `overlap at line ${i + 1}:\n${lines.slice(Math.max(0, i - 2), i + 4).join('\n')}`,
      );
    }
    assert.ok(!fs.existsSync(lock), 'the lock is released at the end');
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.stale-')),
      [],
      'no stale copy is left behind',
    );
  });
});
