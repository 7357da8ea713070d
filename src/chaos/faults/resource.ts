/**
 * Resource exhaustion, bounded in size and time:
 * - cpu: worker threads in the worker process, one per core, each busy `load`% of every
 *   100 ms until removed — and never past the fault's deadline, even if nobody removes it;
 * - memory: one thread that allocates and touches `mb` MiB, freed when the thread ends;
 * - disk: a file of `mb` MiB in an allowlisted directory, deleted on removal (by anyone:
 *   the reaper deletes it after its owner died).
 * CPU and memory live in the owner's process, so they end with it: nothing to reap there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isAllowedDirectory, TARGETS_VARIABLE } from '../allowlist';
import { maxDiskMb, maxMemoryMb } from '../checks';
import type { FaultRecord } from '../store';
import { FaultError, type FaultDriver } from './types';

/** Threads per fault id, in this process. */
const threads = new Map<string, Worker[]>();

const BURN = `
const { workerData } = require('node:worker_threads');
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const { load, until } = workerData;
while (Date.now() < until) {
  const sliceEnd = Date.now() + load;
  while (Date.now() < sliceEnd) { /* spin */ }
  if (load < 100) Atomics.wait(sleeper, 0, 0, 100 - load);
}`;

const HOLD = `
const { workerData } = require('node:worker_threads');
const chunks = [];
// 64 MiB chunks: above malloc's largest mmap threshold, so the pages go back to the system when the thread ends.
for (let left = workerData.mb; left > 0; left -= 64) { const b = Buffer.allocUnsafeSlow(Math.min(64, left) * 1024 * 1024); b.fill(left & 0xff); chunks.push(b); }
const sleeper = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < workerData.until) Atomics.wait(sleeper, 0, 0, Math.min(1000, Math.max(1, workerData.until - Date.now())));`;

function start(id: string, code: string, data: Record<string, unknown>, count: number): void {
  const list: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const w = new Worker(code, { eval: true, workerData: data });
    w.unref();
    w.on('error', () => undefined);
    w.once('exit', () => {
      const left = (threads.get(id) ?? []).filter((x) => x !== w);
      if (left.length) threads.set(id, left);
      else threads.delete(id);
    });
    list.push(w);
  }
  threads.set(id, [...(threads.get(id) ?? []), ...list]);
}

async function stopThreads(r: FaultRecord, what: string): Promise<string> {
  const list = threads.get(r.id);
  if (!list) return `${what} was not running in this process (pid ${process.pid}); it ends with its owner (pid ${r.owner.process.pid})`;
  threads.delete(r.id);
  await Promise.all(list.map((w) => w.terminate()));
  return `stopped ${what} (${list.length} thread${list.length === 1 ? '' : 's'})`;
}

/** Threads this process runs for faults (tests and the reaper's report). */
export function localThreads(): number {
  return [...threads.values()].reduce((n, l) => n + l.length, 0);
}

export const cpuFaults: FaultDriver = {
  local: true,
  async prepare(target) {
    if (target !== 'local') throw new FaultError('BAD_TARGET', `cpu faults burn the worker's own host: target local, not ${target}`);
    return { threads: 'in-process' };
  },
  async apply(r) {
    start(r.id, BURN, { load: Number(r.spec.load ?? 100), until: Date.parse(r.deadline) }, Number(r.spec.cores));
  },
  remove: (r) => stopThreads(r, 'the CPU burn'),
};

export const memoryFaults: FaultDriver = {
  local: true,
  async prepare(target, spec) {
    if (target !== 'local') throw new FaultError('BAD_TARGET', `memory faults fill the worker's own memory: target local, not ${target}`);
    if (Number(spec.mb) > maxMemoryMb()) throw new FaultError('TOO_LARGE', `mb ${spec.mb} is above GENIE_CHAOS_MAX_MEMORY_MB (${maxMemoryMb()})`);
    return { threads: 'in-process' };
  },
  async apply(r) {
    start(r.id, HOLD, { mb: Number(r.spec.mb), until: Date.parse(r.deadline) }, 1);
  },
  remove: (r) => stopThreads(r, 'the memory pressure'),
};

export function fillFile(dir: string, id: string): string {
  return path.join(path.resolve(dir), `genie-chaos-${id}.fill`);
}

export const diskFaults: FaultDriver = {
  async prepare(dir, spec, id) {
    if (Number(spec.mb) > maxDiskMb()) throw new FaultError('TOO_LARGE', `mb ${spec.mb} is above GENIE_CHAOS_MAX_DISK_MB (${maxDiskMb()})`);
    fs.mkdirSync(path.resolve(dir), { recursive: true, mode: 0o700 });
    // The allowlist was checked on the path as written; a symlink on the way could lead anywhere (a link to /etc inside the fill directory).
    const real = fs.realpathSync(path.resolve(dir));
    if (real !== path.resolve(dir) && !isAllowedDirectory(real)) {
      throw new FaultError(
        'BAD_TARGET',
        `dir ${dir} resolves to ${real} through a symbolic link, which is not in the chaos allowlist; name the real directory, or allowlist it (${TARGETS_VARIABLE})`,
      );
    }
    return { file: fillFile(real, id) };
  },
  async apply(r) {
    const file = String(r.undo.file);
    // Exclusive and no-follow: a file or link planted at this name beforehand is refused, never written through.
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new FaultError('BAD_TARGET', `${file} already exists (a file or link someone else put there); the fill is not written through it`);
      throw e;
    }
    try {
      const chunk = Buffer.alloc(1024 * 1024, 0x5a);
      for (let i = 0; i < Number(r.spec.mb); i++) fs.writeSync(fd, chunk);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  async remove(r) {
    const file = String(r.undo.file);
    try {
      // Unlinking removes the name only, never a link's target, so this is safe whatever is there now.
      fs.unlinkSync(file);
      return `deleted ${file}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return `${file} was already gone`;
      throw e;
    }
  },
};
