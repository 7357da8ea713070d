/**
 * Who is behind a pid, read from /proc. A pid alone cannot identify a process: once it
 * exits, the kernel hands the number to the next program that starts. The pair (pid, start
 * time in clock ticks since boot, from /proc/<pid>/stat) plus the boot id can: a reused pid
 * always has a later start time. Without /proc (not Linux) only liveness by signal 0 is
 * known, and a reused pid cannot be told apart.
 */
import * as fs from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat; undefined without /proc. */
  startTicks?: string;
  /** /proc/sys/kernel/random/boot_id: a start time from before a reboot means nothing. */
  bootId?: string;
}

export interface ProcSnapshot {
  state: string;
  startTicks: string;
  pgid: number;
}

let cachedBootId: string | undefined | null = null;

export function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}

export function hasProc(): boolean {
  return bootId() !== undefined;
}

/** State, start time and process group of `pid`, or undefined when there is no such process (or no /proc). */
export function snapshot(pid: number): ProcSnapshot | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field N is fields[N - 3].
  return { state: fields[0]!, pgid: Number(fields[2]), startTicks: fields[19]! };
}

/** The identity to record right after spawning `pid`. */
export function identify(pid: number): ProcessIdentity {
  const snap = snapshot(pid);
  const boot = bootId();
  return { pid, ...(snap ? { startTicks: snap.startTicks } : {}), ...(boot ? { bootId: boot } : {}) };
}

/**
 * Is the process recorded as `identity` still running? A zombie (exited, not yet reaped by
 * its parent) is not; neither is another program that got the same pid.
 */
export function isRunning(identity: ProcessIdentity): boolean {
  if (identity.startTicks !== undefined && hasProc()) {
    if (identity.bootId !== undefined && identity.bootId !== bootId()) return false;
    const snap = snapshot(identity.pid);
    return snap !== undefined && snap.state !== 'Z' && snap.state !== 'X' && snap.startTicks === identity.startTicks;
  }
  try {
    process.kill(identity.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which is not a process we started.
    return false;
  }
}

/** The process's command line as argv, or undefined when unreadable. */
export function cmdline(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}
