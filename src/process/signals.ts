/** Ending a supervised process: signal it, then wait for it to be gone. */
import { isRunning, snapshot, type ProcessIdentity } from './proc';

/**
 * Signals the whole process group (the child is its leader: it was spawned detached), so
 * whatever it forked goes too; never a pid that now belongs to someone else.
 */
export function signal(identity: ProcessIdentity, sig: NodeJS.Signals): void {
  if (!isRunning(identity)) return;
  const leader = snapshot(identity.pid)?.pgid === identity.pid;
  try {
    process.kill(leader ? -identity.pid : identity.pid, sig);
  } catch {
    // ESRCH: it went away meanwhile.
  }
}

/** True once it is gone (a zombie counts as gone), false if still running after `timeoutMs`. */
export async function waitExit(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(identity)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
