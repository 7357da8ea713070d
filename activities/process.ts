/**
 * `process.*`: start, stop, restart and inspect processes run by the process supervisor
 * (src/process/): the demo router and services `genie up` starts, and whatever `deploy.start`
 * started in demo mode. Only names the supervisor already knows can be managed — its state
 * directory is the allowlist; nothing new can be launched from a runbook through these.
 *
 * The supervisor's directory is GENIE_PROCESS_DIR, else <GENIE_STATE_DIR>/processes, on the
 * worker: the same one `genie up` uses, so any worker on the host can act on what another
 * one started.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { Duration } from '../src/dsl/types';
import { ProcessError, Supervisor, type ProcessErrorCode, type ProcessStatus } from '../src/process';

/** Errors that asking again may cure (a busy lock, a process slow to come up or dying at start). */
const RETRYABLE = new Set<ProcessErrorCode>(['PROCESS_LOCKED', 'PROCESS_NOT_READY', 'PROCESS_EXITED', 'PROCESS_STOP_FAILED']);

/** A supervisor error as the ApplicationFailure a retry policy can act on; anything else unchanged. */
export function processFailure(error: unknown): unknown {
  if (!(error instanceof ProcessError)) return error;
  return ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: !RETRYABLE.has(error.code) });
}

export async function supervised<T>(work: (supervisor: Supervisor) => Promise<T> | T): Promise<T> {
  try {
    return await withHeartbeat(Promise.resolve().then(() => work(new Supervisor())));
  } catch (error) {
    throw processFailure(error);
  }
}

const Name = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'A process the supervisor knows (e.g. router, stable, canary)',
});
/** Between SIGTERM and SIGKILL (default 10s). */
const Grace = Type.Optional(Duration);
/** How long to wait for its health URL to answer 200 (default 15s). */
const ReadyTimeout = Type.Optional(Duration);

/** The status shape process.status returns (and the others build on). */
export function statusView(s: ProcessStatus): {
  name: string;
  running: boolean;
  pid: number | null;
  restarts: number;
  uptimeMs: number;
  version?: string;
  port?: number;
  desired: string;
  lastExit?: unknown;
} {
  return {
    name: s.name,
    running: s.running,
    pid: s.pid,
    restarts: s.restarts,
    uptimeMs: s.uptimeMs,
    desired: s.desired,
    ...(s.version !== undefined ? { version: s.version } : {}),
    ...(s.port !== undefined ? { port: s.port } : {}),
    ...(s.lastExit ? { lastExit: s.lastExit } : {}),
  };
}

const ms = (text: string | undefined, fallback: number) => timeoutArg(text) ?? fallback;
/** The explicit readyTimeout, else 15 s cut to fit inside the activity's own timeout. */
export const readyMs = (text: string | undefined) => timeBudgetMs(timeoutArg(text), 15_000, 2_000);
const DEFAULTS = { timeout: '1m', retry: { maxAttempts: 3, initialInterval: '1s', backoff: 2 } };

export const status = defineAction({
  name: 'process.status',
  description: 'Whether a supervised process runs: {name, running, pid, restarts, uptimeMs, version?, port?, desired, lastExit?}.',
  args: Type.Object({ name: Name }, { additionalProperties: false }),
  defaults: { timeout: '10s', retry: { maxAttempts: 3, initialInterval: '500ms', backoff: 2 } },
  run: async (a) => supervised((s) => statusView(s.status(a.name))),
});

export const start = defineAction({
  name: 'process.start',
  description: 'Starts a known process again from its recorded command (no-op when it runs); waits for its health URL.',
  args: Type.Object({ name: Name, readyTimeout: ReadyTimeout }, { additionalProperties: false }),
  defaults: DEFAULTS,
  run: async (a) =>
    supervised(async (s) => {
      const r = await s.startRecorded(a.name, { readyTimeoutMs: readyMs(a.readyTimeout) });
      return { ...statusView(r.status), alreadyRunning: r.alreadyRunning };
    }),
});

export const stop = defineAction({
  name: 'process.stop',
  description: 'Stops a known process: SIGTERM to its process group, SIGKILL after the grace period. Stopping a stopped one is a no-op.',
  args: Type.Object({ name: Name, grace: Grace }, { additionalProperties: false }),
  defaults: DEFAULTS,
  run: async (a) =>
    supervised(async (s) => {
      s.status(a.name); // PROCESS_UNKNOWN for names it never started.
      const r = await s.stop(a.name, { graceMs: ms(a.grace, 10_000) });
      return { name: r.name, wasRunning: r.wasRunning, pid: r.pid ?? null, killed: r.killed };
    }),
});

export const restart = defineAction({
  name: 'process.restart',
  description: 'Stops (if running) and starts a known process from its recorded command; waits for its health URL. Returns its new status and previousPid.',
  args: Type.Object({ name: Name, grace: Grace, readyTimeout: ReadyTimeout }, { additionalProperties: false }),
  defaults: DEFAULTS,
  run: async (a) =>
    supervised(async (s) => {
      const r = await s.restart(a.name, { graceMs: ms(a.grace, 10_000), readyTimeoutMs: readyMs(a.readyTimeout) });
      return { ...statusView(r), previousPid: r.previousPid };
    }),
});
