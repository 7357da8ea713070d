/**
 * Starting one supervised process: detached (its own session and process group, so it
 * outlives whoever started it and a stop can signal everything it forked), never through a
 * shell, stdout and stderr appended to its log file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { ProcessError } from './errors';

/** The few variables a program needs to behave normally; the rest of the starter's environment (its secrets too) stays out. */
const INHERITED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];
/** A log larger than this is moved aside (one generation, .1) before the next start. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;

export function childEnvironment(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) base[name] = process.env[name]!;
  return { ...base, ...env };
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
}

export async function spawnDetached(argv: string[], options: { cwd: string; env: Record<string, string>; log: string; banner: string }): Promise<Spawned> {
  rotate(options.log);
  const fd = fs.openSync(options.log, 'a', 0o600);
  try {
    fs.writeSync(fd, `--- ${new Date().toISOString()} ${options.banner}\n`);
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: childEnvironment(options.env),
      detached: true,
      shell: false,
      stdio: ['ignore', fd, fd],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new ProcessError(
            'PROCESS_SPAWN',
            `cannot start ${argv[0]}: ${error.message}${error.code === 'ENOENT' ? ' (no such executable or working directory)' : ''}`,
          ),
        ),
      );
    });
    // The starter may exit (or be killed) at any time; the child must not keep it alive or die with it.
    child.unref();
    return { child, pid: child.pid! };
  } finally {
    fs.closeSync(fd);
  }
}

function rotate(log: string): void {
  try {
    if (fs.statSync(log).size > MAX_LOG_BYTES) fs.renameSync(log, `${log}.1`);
  } catch {
    // No log yet.
  }
}

/** The last `bytes` of a log, for error messages that must say why a process died. */
export function logTail(log: string, bytes = 2_000): string {
  try {
    const fd = fs.openSync(log, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(bytes, size);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
