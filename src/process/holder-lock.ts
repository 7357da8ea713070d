/**
 * A lock file that names its holder (pid and start time), shared by the process and chaos
 * stores. Taken by exclusive creation; a lock whose holder died (SIGKILL mid-change) is taken
 * over, and by one waiter only: each waiter that sees the dead holder renames the file aside,
 * and removes what it moved only if it is still the dead holder's lock. A waiter that moved a
 * live lock instead (another waiter got there first and took it) puts it back. Deleting the
 * stale file directly, as the chaos store once did, let a second waiter delete the first one's
 * fresh lock, and both went on holding it.
 */
import * as fs from 'node:fs';
import { identify, isRunning, type ProcessIdentity } from './proc';

export interface HolderLockOptions {
  /** How long to wait for a live holder before giving up. */
  waitMs: number;
  pollMs: number;
  /** The error to throw after `waitMs`, naming the holder. */
  busy: (holder: ProcessIdentity | undefined) => Error;
}

export async function withHolderLock<T>(lock: string, options: HolderLockOptions, work: () => Promise<T> | T): Promise<T> {
  const me = JSON.stringify(identify(process.pid));
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      fs.writeFileSync(lock, me, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lock);
    if (holder && !isRunning(holder)) {
      takeOverStale(lock, holder);
      continue;
    }
    if (Date.now() > deadline) throw options.busy(holder);
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function takeOverStale(lock: string, dead: ProcessIdentity): void {
  const aside = `${lock}.stale-${process.pid}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (moved?.pid === dead.pid && moved.startTicks === dead.startTicks) fs.rmSync(aside, { force: true });
  else fs.renameSync(aside, lock);
}

function readHolder(lock: string): ProcessIdentity | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lock, 'utf8')) as ProcessIdentity;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    // Being written this very moment, or gone: look again on the next round.
    return undefined;
  }
}
