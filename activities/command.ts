/**
 * `command.run`: runs one allowlisted executable with literal arguments — never through a
 * shell, so nothing in an argument (`$(...)`, `;`, `|`, globs) is ever interpreted.
 *
 * The worker's operator decides what may run, with GENIE_COMMAND_ALLOWLIST
 * (src/process/command-allowlist.ts).
 *
 * The child sees a minimal environment, not the worker's (src/process/command-env.ts):
 * PATH, HOME, LANG, TZ... plus names the operator lists in GENIE_COMMAND_ENV_ALLOW, plus the
 * step's `env`, where loader/shell-injection variables (LD_PRELOAD, BASH_ENV...) are refused.
 *
 * A failed command (non-zero exit, killed by a signal, timed out) is not retried unless the
 * step says `retryOnFailure: true`: the worker cannot know whether running it twice is safe.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { defineAction } from './action';
import { cancellationError, cancellationSignal, timeBudgetMs, timeoutArg, withHeartbeat } from './context';
import { redact, secretValues } from '../src/secrets/masking';
import { Duration } from '../src/dsl/types';
import { ALLOWLIST_VARIABLE, allowedExecutable } from '../src/process/command-allowlist';
import { badArgument } from '../src/temporal/failures';
import { commandEnvironment, ENV_ALLOW_VARIABLE, injectionVariableMessage, isInjectionVariable } from '../src/process/command-env';

const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
/** Between SIGTERM and SIGKILL: time for the command to clean up after itself. */
const KILL_GRACE_MS = 2_000;
/** After exit, how long to wait for output pipes that a left-behind grandchild still holds. */
const PIPE_GRACE_MS = 500;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const run = defineAction({
  name: 'command.run',
  description: `Runs an executable allowlisted in ${ALLOWLIST_VARIABLE} with literal arguments (no shell); fails on a non-zero exit.`,
  args: Type.Object(
    {
      command: Type.String({ minLength: 1, description: 'Executable name (looked up on the worker PATH) or absolute path; not a shell line' }),
      args: Type.Optional(Type.Array(Type.String(), { description: 'Passed literally, one argv entry each' })),
      cwd: Type.Optional(Type.String({ minLength: 1, description: 'Absolute working directory (default: the worker’s)' })),
      env: Type.Optional(
        Type.Record(Type.String(), Type.String(), {
          description: `Added to the minimal child environment (PATH, HOME, LANG, TZ… and ${ENV_ALLOW_VARIABLE}); LD_*, BASH_ENV, NODE_OPTIONS and the like are refused`,
        }),
      ),
      timeout: Type.Optional(Duration),
      maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 * 1024 * 1024, description: 'Per stream; default 64 KiB' })),
      input: Type.Optional(Type.String({ description: 'Written to stdin (otherwise stdin is empty)' })),
      retryOnFailure: Type.Optional(Type.Boolean({ description: 'Let the retry policy retry a non-zero exit or timeout (default false)' })),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '5m', retry: { maxAttempts: 3, initialInterval: '1s', backoff: 2 } },
  check: (args) => {
    const env = args.env;
    if (typeof env !== 'object' || env === null) return [];
    return Object.keys(env)
      .filter(isInjectionVariable)
      .map((name) => ({
        path: ['env', name],
        message: injectionVariableMessage(name),
        hint: 'remove it from env',
      }));
  },
  run: async (args) => {
    const argv = checkArgs(args.args);
    const env = checkEnv(args.env);
    const cwd = await checkCwd(args.cwd);
    const maxOutputBytes = args.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    if (!Number.isInteger(maxOutputBytes) || maxOutputBytes < 1) throw badArgument('maxOutputBytes must be a positive integer');
    if (args.input !== undefined && typeof args.input !== 'string') throw badArgument('input must be a string');
    const timeoutMs = timeoutArg(args.timeout);
    const file = await allowedExecutable(args.command);
    const signal = cancellationSignal();
    const outcome = await withHeartbeat(
      execute(file, argv, { cwd, env, input: args.input, maxOutputBytes, timeoutMs: timeBudgetMs(timeoutMs, 300_000, KILL_GRACE_MS + 1_000), signal }),
    );

    // Commands print what they were given; secret-named env values stay out of history.
    const secrets = secretValues(env);
    const output = {
      stdout: redact(outcome.stdout, secrets),
      stderr: redact(outcome.stderr, secrets),
      durationMs: outcome.durationMs,
      truncated: outcome.truncated,
    };
    const nonRetryable = !(args.retryOnFailure ?? false);
    if (outcome.ended === 'cancelled') throw cancellationError(signal);
    if (outcome.ended === 'timeout') {
      throw ApplicationFailure.create({
        type: 'COMMAND_TIMEOUT',
        message: `${args.command} did not finish within ${outcome.timeoutMs}ms and was killed`,
        nonRetryable,
        details: [{ timeoutMs: outcome.timeoutMs, pid: outcome.pid, exitCode: outcome.exitCode, signal: outcome.signal, ...output }],
      });
    }
    if (outcome.exitCode !== 0) {
      const how = outcome.exitCode === null ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
      const lastLine = output.stderr.trim().split('\n').pop()?.slice(0, 200);
      throw ApplicationFailure.create({
        type: 'COMMAND_EXIT',
        message: `${args.command} ${how}${lastLine ? `: ${lastLine}` : ''}`,
        nonRetryable,
        details: [{ exitCode: outcome.exitCode, signal: outcome.signal, ...output }],
      });
    }
    return { exitCode: 0, ...output };
  },
});

function checkArgs(args: unknown): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw badArgument('args must be a list of strings');
  args.forEach((arg: unknown, i) => {
    // Numbers and booleans from YAML would be stringified silently; say so instead of guessing.
    if (typeof arg !== 'string') throw badArgument(`args[${i}] must be a string, not ${typeof arg}; quote it in the runbook`);
    if (arg.includes('\0')) throw badArgument(`args[${i}] contains a NUL byte`);
  });
  return args as string[];
}

function checkEnv(env: unknown): Record<string, string> {
  if (env === undefined) return {};
  if (typeof env !== 'object' || env === null || Array.isArray(env)) throw badArgument('env must be an object of NAME: value strings');
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw badArgument(`env name ${JSON.stringify(name)} is not a valid variable name`);
    if (typeof value !== 'string' || value.includes('\0')) throw badArgument(`env ${name} must be a string without NUL bytes`);
    if (isInjectionVariable(name)) throw badArgument(injectionVariableMessage(name));
  }
  return env as Record<string, string>;
}

async function checkCwd(cwd: unknown): Promise<string | undefined> {
  if (cwd === undefined) return undefined;
  if (typeof cwd !== 'string' || !path.isAbsolute(cwd)) throw badArgument('cwd must be an absolute path');
  const stat = await fs.stat(cwd).catch(() => undefined);
  if (!stat?.isDirectory()) throw badArgument(`cwd ${cwd} is not a directory on this worker`);
  return cwd;
}

interface ExecuteOptions {
  cwd?: string;
  env: Record<string, string>;
  input?: string;
  maxOutputBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}
interface Outcome {
  ended: 'exit' | 'timeout' | 'cancelled';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  pid?: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  timeoutMs: number;
}

/** Spawns without a shell in its own process group, so a kill reaches everything it started. */
function execute(file: string, argv: string[], options: ExecuteOptions): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(file, argv, {
    shell: false,
    cwd: options.cwd,
    env: commandEnvironment(options.env),
    detached: true,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const stdout = new CappedOutput(options.maxOutputBytes);
  const stderr = new CappedOutput(options.maxOutputBytes);
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (options.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // The command may exit without reading its input.
    child.stdin.end(options.input);
  }

  let ended: Outcome['ended'] = 'exit';
  const killGroup = (why: 'timeout' | 'cancelled') => {
    if (ended !== 'exit') return;
    ended = why;
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = setTimeout(() => killGroup('timeout'), options.timeoutMs);
  const onAbort = () => killGroup('cancelled');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise((resolve, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const finish = () => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        ended,
        exitCode: exit.code,
        signal: exit.signal,
        pid: child.pid,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        durationMs: Math.round(performance.now() - started),
        timeoutMs: options.timeoutMs,
      });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled || exit) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(spawnFailure(file, error));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // 'close' waits for the pipes; a background grandchild may hold them open forever.
      setTimeout(finish, PIPE_GRACE_MS).unref();
    });
    child.on('close', finish);
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Out of resources now may not be later; a missing or non-executable file stays so. */
function spawnFailure(file: string, error: NodeJS.ErrnoException): ApplicationFailure {
  const transient = ['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM'].includes(error.code ?? '');
  return ApplicationFailure.create({
    type: 'COMMAND_SPAWN',
    message: `cannot start ${file}: ${error.message}`,
    nonRetryable: !transient,
    details: [{ file, code: error.code }],
  });
}

/** Keeps the first maxBytes of a stream, counts the rest, and keeps draining so the child never blocks on a full pipe. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  constructor(private readonly maxBytes: number) {}
  get truncated(): boolean {
    return this.dropped > 0;
  }
  push(chunk: Buffer): void {
    const keep = Math.min(this.maxBytes - this.kept, chunk.length);
    if (keep > 0) this.chunks.push(chunk.subarray(0, keep));
    this.kept += keep;
    this.dropped += chunk.length - keep;
  }
  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${text}\n[truncated: ${this.dropped} more bytes]` : text;
  }
}
