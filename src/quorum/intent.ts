/**
 * The failover intent: written (and fsynced) before each irreversible step, so a monitor
 * that starts after a crash knows a failover was under way, which epoch, from where to
 * where, how far it got, and the timings measured before the crash. The roles the nodes
 * report are still checked first: the intent says what was meant, the nodes what happened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type IntentPhase = 'fencing' | 'promoting' | 'switching' | 'done';

export interface FailoverIntent {
  key: string;
  epoch: number;
  from: string;
  to: string;
  phase: IntentPhase;
  forced: boolean;
  startedAt: number;
  /** Milestones (ms since the Unix epoch) recorded so far. */
  timings: Record<string, number>;
  /** Evidence gathered before acting (the quorum decision, the RPO verdict), kept for the run that completes it. */
  evidence?: Record<string, unknown>;
}

export class IntentStore {
  constructor(private readonly file: string) {}

  /** One file per run (workflow id), under dir. */
  static forKey(dir: string, key: string): IntentStore {
    return new IntentStore(path.join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.intent.json`));
  }

  get path(): string {
    return this.file;
  }

  read(): FailoverIntent | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as FailoverIntent;
    } catch {
      throw new Error(`the failover intent ${this.file} is not JSON; it is written atomically, so something else wrote it: inspect and remove it`);
    }
  }

  /** Atomic replace (write, fsync, rename, fsync the directory): a crash leaves the old or the new intent, never half of one. */
  write(intent: FailoverIntent): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(intent));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    const dir = fs.openSync(path.dirname(this.file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  }
}
