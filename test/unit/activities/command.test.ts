/**
 * command.run with real processes: the allowlist, literal arguments (no shell, ever),
 * exit failures with their output, timeouts and cancellation that leave nothing running.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { run } from '../../../activities/command';
import { ALLOWLIST_VARIABLE } from '../../../src/process/command-allowlist';
import { detailsOf, failureOf } from './failure';

const quiet = new DefaultLogger('ERROR');

/** Running, that is: a killed process whose parent has not reaped it yet (a zombie) is dead. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it is in parentheses.
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true; // No procfs (macOS): trust kill(0).
  }
}

async function waitUntilGone(pid: number, withinMs: number): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    if (!alive(pid)) return true;
  }
  return !alive(pid);
}

describe('command.run', () => {
  let saved: string | undefined;
  let tmp: string;

  before(() => {
    saved = process.env[ALLOWLIST_VARIABLE];
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-command-'));
  });
  beforeEach(() => {
    process.env[ALLOWLIST_VARIABLE] = '/bin/echo, /bin/sh, sleep, cat';
  });
  after(() => {
    if (saved === undefined) delete process.env[ALLOWLIST_VARIABLE];
    else process.env[ALLOWLIST_VARIABLE] = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs an allowlisted executable and returns its output', async () => {
    const result = await run.run({ command: '/bin/echo', args: ['hello', 'world'] });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'hello world\n');
    assert.equal(result.stderr, '');
    assert.equal(result.truncated, false);
    assert.ok(result.durationMs >= 0);
  });

  it('passes shell metacharacters as literal arguments and executes nothing', async () => {
    const marker = path.join(tmp, 'pwned');
    const args = [`$(touch ${marker})`, ';rm', '-rf', '`id`', '|', 'cat', '&&', '*', '>', marker];
    const result = await run.run({ command: '/bin/echo', args });
    assert.equal(result.stdout, args.join(' ') + '\n');
    assert.equal(fs.existsSync(marker), false, 'nothing was executed or redirected');
  });

  it('fails a non-zero exit with COMMAND_EXIT, its output, and no retry by default', async () => {
    const failure = await failureOf(run.run({ command: '/bin/sh', args: ['-c', 'echo out; echo oops >&2; exit 3'] }), 'COMMAND_EXIT');
    assert.equal(failure.nonRetryable, true);
    const details = detailsOf(failure);
    assert.equal(details.exitCode, 3);
    assert.equal(details.signal, null);
    assert.equal(details.stdout, 'out\n');
    assert.equal(details.stderr, 'oops\n');
    assert.match(failure.message, /exited with code 3: oops/);
  });

  it('lets the retry policy retry a failed command when retryOnFailure is set', async () => {
    const failure = await failureOf(run.run({ command: '/bin/sh', args: ['-c', 'exit 3'], retryOnFailure: true }), 'COMMAND_EXIT');
    assert.equal(failure.nonRetryable, false);
  });

  it('refuses an executable that is not allowlisted, naming the variable to set', async () => {
    const failure = await failureOf(run.run({ command: 'rm', args: ['-rf', tmp] }), 'COMMAND_NOT_ALLOWED');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(ALLOWLIST_VARIABLE));
    assert.ok(fs.existsSync(tmp));
  });

  it('allows nothing when the allowlist is empty', async () => {
    process.env[ALLOWLIST_VARIABLE] = '';
    const failure = await failureOf(run.run({ command: '/bin/echo', args: ['x'] }), 'COMMAND_NOT_ALLOWED');
    assert.match(failure.message, /is empty/);
  });

  it('matches an absolute allowlist entry only by its exact path, and a name by its PATH lookup', async () => {
    // "/bin/echo" is allowed, "echo" (found elsewhere on PATH or spelled differently) is not.
    await failureOf(run.run({ command: '/bin/../bin/echo', args: ['x'] }), 'COMMAND_NOT_ALLOWED');
    // "sleep" is allowed by name: bare or as the path PATH resolves it to.
    const bare = await run.run({ command: 'sleep', args: ['0'] });
    assert.equal(bare.exitCode, 0);
    // A runbook cannot point an allowed name at another file through its own PATH.
    fs.writeFileSync(path.join(tmp, 'sleep'), '#!/bin/sh\necho hijacked\n', { mode: 0o755 });
    const hijack = await run.run({ command: 'sleep', args: ['0'], env: { PATH: tmp } });
    assert.equal(hijack.stdout, '');
    // Relative paths are ambiguous and refused.
    await failureOf(run.run({ command: './sleep', cwd: tmp }), 'BAD_ARGUMENT');
  });

  it('rejects arguments that are not strings', async () => {
    const failure = await failureOf(run.run({ command: '/bin/echo', args: ['ok', 42 as unknown as string] }), 'BAD_ARGUMENT');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /args\[1\]/);
    await failureOf(run.run({ command: '/bin/echo', env: { 'BAD=NAME': 'x' } }), 'BAD_ARGUMENT');
    await failureOf(run.run({ command: '/bin/echo', cwd: path.join(tmp, 'missing') }), 'BAD_ARGUMENT');
    await failureOf(run.run({ command: '/bin/echo', timeout: 'a while' }), 'BAD_ARGUMENT');
  });

  it('kills a command that outlives its timeout, within the timeout', async () => {
    const started = Date.now();
    const failure = await failureOf(run.run({ command: 'sleep', args: ['30'], timeout: '300ms' }), 'COMMAND_TIMEOUT');
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2_000, `took ${elapsed}ms`);
    const details = detailsOf(failure);
    assert.equal(details.timeoutMs, 300);
    assert.equal(details.signal, 'SIGTERM');
    assert.ok(await waitUntilGone(details.pid, 1_000), 'the process is gone');
  });

  it('kills the whole process group, and SIGKILLs what ignores SIGTERM', async () => {
    const pidFile = path.join(tmp, 'grandchild.pid');
    const script = `trap '' TERM; sleep 30 & echo $! > ${pidFile}; wait`;
    const started = Date.now();
    await failureOf(run.run({ command: '/bin/sh', args: ['-c', script], timeout: '300ms' }), 'COMMAND_TIMEOUT');
    assert.ok(Date.now() - started < 4_000);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(await waitUntilGone(grandchild, 3_000), 'the grandchild is gone too');
  });

  it('truncates output to maxOutputBytes with a marker', async () => {
    const result = await run.run({ command: '/bin/sh', args: ['-c', 'head -c 100000 /dev/zero | tr "\\0" a'], maxOutputBytes: 1000 });
    assert.equal(result.truncated, true);
    assert.ok(result.stdout.startsWith('a'.repeat(1000) + '\n[truncated: 99000 more bytes]'), result.stdout.slice(990, 1100));
  });

  it('feeds input to stdin and adds env to the environment', async () => {
    const piped = await run.run({ command: 'cat', input: 'from stdin' });
    assert.equal(piped.stdout, 'from stdin');
    const withEnv = await run.run({ command: '/bin/sh', args: ['-c', 'echo "$GREETING"'], env: { GREETING: 'hi there' } });
    assert.equal(withEnv.stdout, 'hi there\n');
  });

  it('keeps secret-named env values out of its output', async () => {
    const result = await run.run({ command: '/bin/sh', args: ['-c', 'echo "token is $API_TOKEN"'], env: { API_TOKEN: 'tok-987654321' } });
    assert.equal(result.stdout, 'token is ***\n');
  });

  it('kills the command when the activity is cancelled', async () => {
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 }, { logger: quiet });
    const pidFile = path.join(tmp, 'cancelled.pid');
    setTimeout(() => env.cancel(), 200);
    const started = Date.now();
    await assert.rejects(env.run(run.run, { command: '/bin/sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 30`] }), CancelledFailure);
    assert.ok(Date.now() - started < 3_000);
    assert.ok(await waitUntilGone(Number(fs.readFileSync(pidFile, 'utf8')), 1_000));
  });
});
