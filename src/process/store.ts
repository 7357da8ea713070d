/**
 * The supervisor's durable state: one JSON file per named process in a directory, so any
 * process on the host (a worker that replaced a SIGKILLed one, the CLI) finds what another
 * one started. Files are written whole and renamed into place, so a reader never sees half a
 * record; a per-name lock file serialises changes across processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stateDir } from '../paths';
import { writeJsonAtomic } from '../files/atomic-json';
import { jsonRecordNames } from '../files/json-records';
import { withHolderLock } from './holder-lock';
import { ProcessError } from './errors';

export interface AutoRestartPolicy {
  /** Restart when the process is found dead without having been stopped. */
  enabled: boolean;
  /** First delay after a crash (default 1 s); doubles per consecutive crash. */
  initialBackoffMs?: number;
  /** Cap on the delay (default 60 s). */
  maxBackoffMs?: number;
  /** Give up after this many consecutive crashes (default: never). */
  maxRestarts?: number;
  /** Running this long counts as healthy again: the backoff starts over (default 30 s). */
  resetAfterMs?: number;
}

export interface ProcessRecord {
  name: string;
  /** argv[0] is the executable (absolute path); never a shell line. */
  argv: string[];
  cwd: string;
  /** Variables given to the process whose names do not look secret (see src/secrets/masking.ts). */
  env: Record<string, string>;
  /** Names of secret variables it was given; their values are never written anywhere. */
  secretEnv: string[];
  /** HMAC of the whole environment: tells "same environment" apart without storing secrets. */
  envDigest: string;
  digestSalt: string;
  /** Set while (or since) running: pid plus its /proc start time, which a reused pid cannot match. */
  pid?: number;
  startTicks?: string;
  bootId?: string;
  startedAt?: string;
  stoppedAt?: string;
  /** What the last start/stop asked for; auto-restart only acts on `running`. */
  desired: 'running' | 'stopped';
  /** Starts after the first one (manual restarts and automatic ones). */
  restarts: number;
  version?: string;
  port?: number;
  /** Answers 200 when the process is ready (checked after start and restart). */
  healthUrl?: string;
  /** A label for stopping related processes together (e.g. everything `genie up` started). */
  group?: string;
  autoRestart?: AutoRestartPolicy;
  /** Consecutive crashes the auto-restart has seen (its backoff exponent). */
  crashes?: number;
  nextRestartAt?: string;
  gaveUp?: boolean;
  /** How it last ended, when the process that spawned it was alive to see it. */
  lastExit?: { pid: number; code: number | null; signal: string | null; at: string };
  /** stdout and stderr, appended. */
  log: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LOCK_WAIT_MS = 30_000;

/** GENIE_PROCESS_DIR, else <state dir>/processes (.genie/processes). */
export function defaultProcessDir(): string {
  return path.resolve(process.env.GENIE_PROCESS_DIR || path.join(stateDir(), 'processes'));
}

export function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ProcessError(
      'PROCESS_BAD_NAME',
      `process name ${JSON.stringify(name)} is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

export class ProcessStore {
  readonly dir: string;
  constructor(dir: string = defaultProcessDir()) {
    this.dir = path.resolve(dir);
  }

  ensureDir(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  file(name: string): string {
    return path.join(this.dir, `${checkName(name)}.json`);
  }
  logFile(name: string): string {
    return path.join(this.dir, `${checkName(name)}.log`);
  }

  read(name: string): ProcessRecord | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as ProcessRecord;
    } catch (error) {
      throw new ProcessError(
        'PROCESS_STATE_CORRUPT',
        `${this.file(name)} is not valid JSON (${(error as Error).message}); delete it if the process is not running`,
      );
    }
  }

  write(record: ProcessRecord): void {
    this.ensureDir();
    writeJsonAtomic(this.file(record.name), record);
  }

  names(): string[] {
    return jsonRecordNames(this.dir)
      .filter((n) => NAME.test(n))
      .sort();
  }

  /**
   * Runs `work` holding the lock for `name`. The lock file names its holder (pid and start
   * time); a holder that died (SIGKILL mid-operation) is detected and its lock taken over.
   */
  async withLock<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    this.ensureDir();
    const lock = path.join(this.dir, `${checkName(name)}.lock`);
    return withHolderLock(
      lock,
      {
        waitMs: LOCK_WAIT_MS,
        pollMs: 20,
        busy: (holder) =>
          new ProcessError(
            'PROCESS_LOCKED',
            `process ${name} is locked by pid ${holder?.pid ?? '?'} for more than ${LOCK_WAIT_MS / 1000} s (${lock}); remove the file if that pid is not a Genie process`,
          ),
      },
      work,
    );
  }
}
