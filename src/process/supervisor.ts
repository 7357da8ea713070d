/**
 * A small process supervisor: start, stop, restart and inspect *named* processes given as
 * argv. Everything it knows is in its directory (see store.ts), so a process started by one
 * worker can be found, stopped or restarted by another worker, the CLI, or the same worker
 * after a SIGKILL. Every operation is idempotent: starting what already runs (same argv,
 * working directory and environment) returns it; stopping what is stopped does nothing; a
 * pid file whose pid died or now belongs to another program reads as "not running".
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { isSecretName } from '../secrets/masking';
import { ProcessError } from './errors';
import { identify, isRunning, type ProcessIdentity } from './proc';
import { answers } from './ready';
import { signal, waitExit } from './signals';
import { checkSpec, digest, sameSpec, type ProcessSpec } from './spec';
import { logTail, spawnDetached } from './spawn';
import { checkName, ProcessStore, type AutoRestartPolicy, type ProcessRecord } from './store';

export type { ProcessSpec } from './spec';

export interface ProcessStatus {
  name: string;
  running: boolean;
  /** null when not running. */
  pid: number | null;
  restarts: number;
  /** 0 when not running. */
  uptimeMs: number;
  desired: 'running' | 'stopped';
  startedAt?: string;
  version?: string;
  port?: number;
  group?: string;
  lastExit?: ProcessRecord['lastExit'];
  autoRestart?: AutoRestartPolicy & { crashes: number; nextRestartAt?: string; gaveUp: boolean };
  log: string;
}

export interface StartResult {
  status: ProcessStatus;
  /** It was already running with this very spec; nothing was spawned. */
  alreadyRunning: boolean;
}

export interface StopResult {
  name: string;
  /** The supervisor has a record of it. */
  known: boolean;
  wasRunning: boolean;
  pid?: number;
  /** It ignored SIGTERM for the grace period and got SIGKILL. */
  killed: boolean;
}

export interface SupervisorOptions {
  dir?: string;
  /** Lines about what the supervisor did (never secrets). */
  log?: (line: string) => void;
}

const DEFAULT_GRACE_MS = 10_000;
const DEFAULT_READY_TIMEOUT_MS = 15_000;

export class Supervisor {
  readonly store: ProcessStore;
  private readonly log: (line: string) => void;
  /** Secret values this process was given, by process name: a restart from here needs no environment. */
  private readonly secrets = new Map<string, Record<string, string>>();

  constructor(options: SupervisorOptions = {}) {
    this.store = new ProcessStore(options.dir);
    this.log = options.log ?? (() => undefined);
  }

  get dir(): string {
    return this.store.dir;
  }

  /**
   * Starts `spec` unless the same spec already runs under its name. Something else running
   * under the name is PROCESS_CONFLICT, or with `replace` is stopped first.
   */
  async start(spec: ProcessSpec, options: { replace?: boolean; graceMs?: number; readyTimeoutMs?: number } = {}): Promise<StartResult> {
    const checked = checkSpec(spec);
    const secretEnv = Object.fromEntries(Object.entries(checked.env).filter(([k]) => isSecretName(k)));
    this.secrets.set(checked.name, secretEnv);
    const outcome = await this.store.withLock(checked.name, async () => {
      const existing = this.store.read(checked.name);
      const same = existing !== undefined && sameSpec(existing, checked);
      if (existing && running(existing)) {
        if (same) return { record: existing, alreadyRunning: true };
        if (!options.replace) {
          throw new ProcessError(
            'PROCESS_CONFLICT',
            `process ${checked.name} is already running (pid ${existing.pid}) with a different command or environment; stop it first, or start with replace`,
          );
        }
        await this.terminate(existing, options.graceMs ?? DEFAULT_GRACE_MS);
      }
      const salt = randomBytes(16).toString('hex');
      const record: ProcessRecord = {
        name: checked.name,
        argv: checked.argv,
        cwd: checked.cwd,
        env: Object.fromEntries(Object.entries(checked.env).filter(([k]) => !isSecretName(k))),
        secretEnv: Object.keys(secretEnv).sort(),
        envDigest: digest(salt, checked.env),
        digestSalt: salt,
        desired: 'running',
        restarts: same ? existing!.restarts + 1 : 0,
        log: this.store.logFile(checked.name),
        ...(checked.version !== undefined ? { version: checked.version } : {}),
        ...(checked.port !== undefined ? { port: checked.port } : {}),
        ...(checked.healthUrl !== undefined ? { healthUrl: checked.healthUrl } : {}),
        ...(checked.group !== undefined ? { group: checked.group } : {}),
        ...(checked.autoRestart !== undefined ? { autoRestart: checked.autoRestart } : {}),
      };
      return { record: await this.launch(record, checked.env), alreadyRunning: false };
    });
    await this.waitReady(outcome.record, options.readyTimeoutMs);
    return { status: this.describe(outcome.record), alreadyRunning: outcome.alreadyRunning };
  }

  /** Starts a known process again from its record (a no-op when it runs). */
  async startRecorded(name: string, options: { readyTimeoutMs?: number } = {}): Promise<StartResult> {
    const outcome = await this.store.withLock(name, async () => {
      const record = this.known(name);
      if (running(record)) return { record, alreadyRunning: true };
      return { record: await this.relaunch(record), alreadyRunning: false };
    });
    await this.waitReady(outcome.record, options.readyTimeoutMs);
    return { status: this.describe(outcome.record), alreadyRunning: outcome.alreadyRunning };
  }

  /** Stops it (if running) and starts it again from its record; counts a restart. */
  async restart(name: string, options: { graceMs?: number; readyTimeoutMs?: number } = {}): Promise<ProcessStatus & { previousPid: number | null }> {
    const outcome = await this.store.withLock(name, async () => {
      const record = this.known(name);
      // Refuse before stopping anything: a restart that cannot start must not leave it down.
      const env = this.environment(record);
      const previousPid = running(record) ? record.pid! : null;
      if (previousPid !== null) await this.terminate(record, options.graceMs ?? DEFAULT_GRACE_MS);
      return { record: await this.relaunch(record, env), previousPid };
    });
    await this.waitReady(outcome.record, options.readyTimeoutMs);
    return { ...this.describe(outcome.record), previousPid: outcome.previousPid };
  }

  /** SIGTERM to its process group, SIGKILL after `graceMs`. Unknown or stopped: nothing to do. */
  async stop(name: string, options: { graceMs?: number } = {}): Promise<StopResult> {
    checkName(name);
    return this.store.withLock(name, async () => {
      const record = this.store.read(name);
      if (!record) return { name, known: false, wasRunning: false, killed: false };
      const wasRunning = running(record);
      const killed = wasRunning ? await this.terminate(record, options.graceMs ?? DEFAULT_GRACE_MS) : false;
      if (record.desired !== 'stopped' || wasRunning) {
        record.desired = 'stopped';
        record.stoppedAt = new Date().toISOString();
        delete record.nextRestartAt;
        this.store.write(record);
      }
      if (wasRunning) this.log(`stopped ${name} (pid ${record.pid}${killed ? ', SIGKILL after the grace period' : ''})`);
      return { name, known: true, wasRunning, ...(wasRunning ? { pid: record.pid! } : {}), killed };
    });
  }

  /** Stops every running process labelled `group` (e.g. what `genie up` started). */
  async stopGroup(group: string, options: { graceMs?: number } = {}): Promise<StopResult[]> {
    const members = this.list().filter((s) => s.group === group && (s.running || s.desired === 'running'));
    return Promise.all(members.map((s) => this.stop(s.name, options)));
  }

  status(name: string): ProcessStatus {
    return this.describe(this.known(name));
  }

  /** Status, or undefined when the supervisor has never heard of `name`. */
  find(name: string): ProcessStatus | undefined {
    const record = this.store.read(checkName(name));
    return record ? this.describe(record) : undefined;
  }

  record(name: string): ProcessRecord | undefined {
    return this.store.read(checkName(name));
  }

  list(): ProcessStatus[] {
    return this.store.names().flatMap((n) => {
      const r = this.store.read(n);
      return r ? [this.describe(r)] : [];
    });
  }

  logTail(name: string, bytes?: number): string {
    return logTail(this.store.logFile(name), bytes);
  }

  /**
   * Auto-restart: every `intervalMs`, processes with `autoRestart.enabled` that should run
   * but are dead are restarted after an exponential backoff. Runs in whichever long-lived
   * process calls it (`genie up`); the per-name lock keeps two watchers from both acting.
   */
  watch(options: { intervalMs?: number } = {}): { stop(): Promise<void> } {
    let busy: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      busy = busy
        .then(async () => {
          await this.heal();
        })
        .catch((error: unknown) => this.log(`auto-restart: ${(error as Error).message}`));
    }, options.intervalMs ?? 500);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await busy;
      },
    };
  }

  /** One auto-restart round (exposed for tests and for callers with their own loop). */
  async heal(now = Date.now()): Promise<string[]> {
    const restarted: string[] = [];
    for (const name of this.store.names()) {
      const peek = this.store.read(name);
      if (!peek?.autoRestart?.enabled || peek.desired !== 'running' || peek.gaveUp || running(peek)) continue;
      await this.store.withLock(name, async () => {
        const record = this.store.read(name);
        if (!record?.autoRestart?.enabled || record.desired !== 'running' || record.gaveUp || running(record)) return;
        const policy = record.autoRestart;
        if (record.nextRestartAt === undefined) {
          // A crash seen for the first time: count it and schedule the restart.
          const diedAt = record.lastExit && record.lastExit.pid === record.pid ? Date.parse(record.lastExit.at) : now;
          const ranMs = record.startedAt ? diedAt - Date.parse(record.startedAt) : 0;
          const crashes = (ranMs >= (policy.resetAfterMs ?? 30_000) ? 0 : (record.crashes ?? 0)) + 1;
          record.crashes = crashes;
          if (policy.maxRestarts !== undefined && crashes > policy.maxRestarts) {
            record.gaveUp = true;
            this.store.write(record);
            this.log(`auto-restart: ${name} crashed ${crashes} times in a row; giving up (maxRestarts ${policy.maxRestarts})`);
            return;
          }
          const delay = Math.min(policy.maxBackoffMs ?? 60_000, (policy.initialBackoffMs ?? 1_000) * 2 ** (crashes - 1));
          record.nextRestartAt = new Date(now + delay).toISOString();
          this.store.write(record);
          this.log(`auto-restart: ${name} (pid ${record.pid}) is not running; restarting in ${delay} ms`);
        }
        if (now < Date.parse(record.nextRestartAt)) return;
        delete record.nextRestartAt;
        await this.relaunch(record);
        restarted.push(name);
      });
    }
    return restarted;
  }

  private known(name: string): ProcessRecord {
    const record = this.store.read(checkName(name));
    if (!record) {
      const names = this.store.names();
      throw new ProcessError(
        'PROCESS_UNKNOWN',
        `no process named ${name} in ${this.dir}; known: ${names.length ? names.join(', ') : 'none'} (only processes the supervisor started can be managed)`,
      );
    }
    return record;
  }

  /** The recorded environment plus the secret values it needs, from memory or this process's environment. */
  private environment(record: ProcessRecord): Record<string, string> {
    const remembered = this.secrets.get(record.name) ?? {};
    const secret: Record<string, string> = {};
    for (const key of record.secretEnv) {
      const value = remembered[key] ?? (process.env[key] || undefined);
      if (value === undefined) {
        throw new ProcessError(
          'PROCESS_SECRET_MISSING',
          `process ${record.name} needs ${key}, which is never written to disk; set ${key} in the environment of the process restarting it`,
        );
      }
      secret[key] = value;
    }
    return { ...record.env, ...secret };
  }

  /** Spawns the recorded argv again; counts a restart. */
  private async relaunch(record: ProcessRecord, env: Record<string, string> = this.environment(record)): Promise<ProcessRecord> {
    record.envDigest = digest(record.digestSalt, env);
    record.restarts += 1;
    record.desired = 'running';
    return this.launch(record, env);
  }

  /** Spawns and writes the record with the new pid; the caller holds the lock. */
  private async launch(record: ProcessRecord, env: Record<string, string>): Promise<ProcessRecord> {
    this.store.ensureDir();
    const { child, pid } = await spawnDetached(record.argv, {
      cwd: record.cwd,
      env,
      log: record.log,
      banner: `start ${record.name}${record.version ? ` ${record.version}` : ''} (restart ${record.restarts}): ${record.argv.join(' ')}`,
    });
    const identity = identify(pid);
    record.pid = pid;
    if (identity.startTicks !== undefined) record.startTicks = identity.startTicks;
    else delete record.startTicks;
    if (identity.bootId !== undefined) record.bootId = identity.bootId;
    record.startedAt = new Date().toISOString();
    delete record.stoppedAt;
    delete record.gaveUp;
    this.store.write(record);
    this.log(`started ${record.name}${record.version ? ` ${record.version}` : ''} (pid ${pid}; log ${record.log})`);
    // While this starter lives it learns how the child ended; the next crash report can say why.
    child.once('exit', (code, signal) => {
      // A directory removed meanwhile (a finished test, a cleaned-up demo) is not recreated for this.
      if (!fs.existsSync(this.store.file(record.name))) return;
      void this.store
        .withLock(record.name, () => {
          const now = this.store.read(record.name);
          if (!now || now.pid !== pid) return;
          now.lastExit = { pid, code, signal, at: new Date().toISOString() };
          this.store.write(now);
        })
        .catch(() => undefined);
    });
    return record;
  }

  /** SIGTERM, wait, SIGKILL; true when SIGKILL was needed. The caller holds the lock. */
  private async terminate(record: ProcessRecord, graceMs: number): Promise<boolean> {
    const identity = identityOf(record)!;
    signal(identity, 'SIGTERM');
    if (await waitExit(identity, graceMs)) return false;
    signal(identity, 'SIGKILL');
    if (await waitExit(identity, 5_000)) return true;
    throw new ProcessError('PROCESS_STOP_FAILED', `process ${record.name} (pid ${record.pid}) is still alive 5 s after SIGKILL (uninterruptible sleep?)`);
  }

  /** Polls the health URL until 200; fails fast, with the log's end, if the process dies meanwhile. */
  private async waitReady(record: ProcessRecord, timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    const identity = identityOf(record);
    if (!identity) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!isRunning(identity)) {
        throw new ProcessError(
          'PROCESS_EXITED',
          `process ${record.name} (pid ${record.pid}) exited right after starting; the end of ${record.log}:\n${logTail(record.log, 1_500)}`,
        );
      }
      if (!record.healthUrl || timeoutMs <= 0) return;
      if (await answers(record.healthUrl, record.version)) return;
      if (Date.now() > deadline) {
        throw new ProcessError(
          'PROCESS_NOT_READY',
          `process ${record.name} (pid ${record.pid}) runs but ${record.healthUrl} did not answer 200${record.version ? ` for version ${record.version}` : ''} within ${timeoutMs} ms; the end of ${record.log}:\n${logTail(record.log, 1_500)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private describe(record: ProcessRecord): ProcessStatus {
    const up = running(record);
    return {
      name: record.name,
      running: up,
      pid: up ? record.pid! : null,
      restarts: record.restarts,
      uptimeMs: up && record.startedAt ? Math.max(0, Date.now() - Date.parse(record.startedAt)) : 0,
      desired: record.desired,
      ...(record.startedAt ? { startedAt: record.startedAt } : {}),
      ...(record.version !== undefined ? { version: record.version } : {}),
      ...(record.port !== undefined ? { port: record.port } : {}),
      ...(record.group !== undefined ? { group: record.group } : {}),
      ...(record.lastExit ? { lastExit: record.lastExit } : {}),
      ...(record.autoRestart
        ? {
            autoRestart: {
              ...record.autoRestart,
              crashes: record.crashes ?? 0,
              gaveUp: record.gaveUp ?? false,
              ...(record.nextRestartAt ? { nextRestartAt: record.nextRestartAt } : {}),
            },
          }
        : {}),
      log: record.log,
    };
  }
}

function identityOf(record: ProcessRecord): ProcessIdentity | undefined {
  if (record.pid === undefined) return undefined;
  return {
    pid: record.pid,
    ...(record.startTicks !== undefined ? { startTicks: record.startTicks } : {}),
    ...(record.bootId !== undefined ? { bootId: record.bootId } : {}),
  };
}

function running(record: ProcessRecord): boolean {
  const identity = identityOf(record);
  return identity !== undefined && isRunning(identity);
}
