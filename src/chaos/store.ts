/**
 * The durable fault store: one JSON file per fault under <state dir>/chaos/faults (or
 * GENIE_CHAOS_DIR), written before the fault is applied — what, where, and how to undo it —
 * so whoever finds it later (the owner, `chaos.remove` on another worker, the reaper in any
 * worker, `genie chaos reap`) can take it back, even after the process that injected it died.
 * Files are written whole and renamed into place; a per-fault lock file serialises changes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stateDir } from '../paths';
import { writeJsonAtomic } from '../files/atomic-json';
import { jsonRecordNames } from '../files/json-records';
import { withHolderLock } from '../process/holder-lock';
import { identify, isRunning, type ProcessIdentity } from '../process/proc';
import type { FaultKind } from './spec';

export type FaultState = 'pending' | 'active' | 'removed' | 'failed';

export interface FaultOwner {
  workflowId?: string;
  runId?: string;
  activityId?: string;
  attempt?: number;
  /** The worker process holding the fault (pid + start time: a reused pid cannot pass for it). */
  process: ProcessIdentity;
  host: string;
}

export interface FaultRecord {
  id: string;
  kind: FaultKind;
  target: string;
  /** The fault as asked for (the body under fault.<kind>). */
  spec: Record<string, unknown>;
  owner: FaultOwner;
  state: FaultState;
  createdAt: string;
  appliedAt?: string;
  /** The owner's last sign of life; older than ttlMs and the reaper removes the fault. */
  heartbeatAt: string;
  ttlMs: number;
  durationMs: number;
  /** Never held past this, whoever holds it: creation + duration + ttl. */
  deadline: string;
  /** How to undo it, written before it is applied. */
  undo: Record<string, unknown>;
  removeRequested?: { by: string; reason: string; at: string };
  removedAt?: string;
  removedBy?: string;
  /** What the removal did ("restored router faults of pool canary", "SIGCONT sent to 1234"). */
  removal?: string;
  error?: string;
}

export function defaultFaultDir(): string {
  return path.resolve(process.env.GENIE_CHAOS_DIR || path.join(stateDir(), 'chaos', 'faults'));
}

const ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

export class FaultStore {
  readonly dir: string;
  constructor(dir: string = defaultFaultDir()) {
    this.dir = path.resolve(dir);
  }

  private file(id: string): string {
    if (!ID.test(id)) throw new Error(`fault id ${JSON.stringify(id)} is not valid`);
    return path.join(this.dir, `${id}.json`);
  }

  read(id: string): FaultRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as FaultRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (error instanceof SyntaxError) return undefined; // a torn file cannot happen (rename); a hand-edited one is ignored
      throw error;
    }
  }

  write(record: FaultRecord): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeJsonAtomic(this.file(record.id), record);
  }

  list(): FaultRecord[] {
    return jsonRecordNames(this.dir)
      .map((id) => this.read(id))
      .filter((r): r is FaultRecord => r !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Faults not yet removed (pending ones too: their intent may already have reached the target). */
  live(): FaultRecord[] {
    return this.list().filter((r) => r.state === 'pending' || r.state === 'active');
  }

  /** Changes one record under its lock; `change` returns the new record (or undefined to leave it). */
  async update(id: string, change: (r: FaultRecord) => FaultRecord | undefined | Promise<FaultRecord | undefined>): Promise<FaultRecord | undefined> {
    return this.withLock(id, async () => {
      const current = this.read(id);
      if (!current) return undefined;
      const next = await change(current);
      if (next) this.write(next);
      return next ?? current;
    });
  }

  /** A heartbeat, under the lock like every change: a beat written over a removal would bring the fault back to life on disk. */
  async beat(id: string, at = new Date()): Promise<FaultRecord | undefined> {
    return this.update(id, (r) => (r.state === 'active' || r.state === 'pending' ? { ...r, heartbeatAt: at.toISOString() } : undefined));
  }

  /** Serialises changes to one fault across processes; a lock whose holder died is taken over. */
  async withLock<T>(id: string, work: () => Promise<T>): Promise<T> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lock = `${this.file(id)}.lock`;
    return withHolderLock(
      lock,
      {
        waitMs: 10_000,
        pollMs: 5,
        busy: (holder) => new Error(`fault ${id} is locked by pid ${holder?.pid ?? '?'} for more than 10 s (${lock})`),
      },
      work,
    );
  }
}

export function currentOwner(extra: Omit<FaultOwner, 'process' | 'host'> = {}): FaultOwner {
  return { ...extra, process: identify(process.pid), host: os.hostname() };
}

/** Is the process that holds the fault still this very process? */
export function ownedHere(r: FaultRecord): boolean {
  return r.owner.process.pid === process.pid && r.owner.host === os.hostname() && isRunning(r.owner.process);
}

export function ownerAlive(r: FaultRecord): boolean {
  return r.owner.host === os.hostname() && isRunning(r.owner.process);
}
