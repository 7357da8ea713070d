/**
 * The process supervisor with real processes, real signals and a second OS process that finds,
 * stops and restarts what the first one started (as a replacement worker or the CLI would).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessError, Supervisor, type ProcessSpec } from '../../../src/process';
import { identify, isRunning, snapshot } from '../../../src/process/proc';
import { freePort } from '../../helpers/ports';

const NODE = process.execPath;
const HELPER = path.join(__dirname, 'helper.js');

const SLEEPER = `
process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); });
console.log('hello', process.env.GREETING, process.env.DEMO_TOKEN ? 'with-token' : 'without-token', process.env.WORKER_ONLY ?? 'clean');
setInterval(() => {}, 1000);`;
const STUBBORN = `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);`;
const CRASHER = `console.log('crashing soon'); setTimeout(() => process.exit(3), 100);`;
const WEB = `
const http = require('node:http');
http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ status: 'ok', version: process.env.VERSION })); })
  .listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));`;

function sleeper(name: string, extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return { name, argv: [NODE, '-e', SLEEPER], env: { GREETING: 'hi' }, ...extra };
}

/** Runs the helper as a separate OS process; its one JSON line. */
function helper(dir: string, ...args: string[]): Record<string, any> {
  const r = spawnSync(NODE, [HELPER, dir, ...args], { encoding: 'utf8', env: { ...process.env, DEMO_TOKEN: '' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`helper printed no JSON: ${r.stdout}\n${r.stderr}`);
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<ProcessError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProcessError, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('process supervisor (real processes)', function () {
  this.timeout(30_000);
  let dir: string;
  let supervisor: Supervisor;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-proc-'));
    supervisor = new Supervisor({ dir });
  });
  afterEach(async () => {
    for (const s of supervisor.list()) if (s.running) await supervisor.stop(s.name, { graceMs: 500 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts a detached named process, records it without secret values, and logs its output', async () => {
    // The starter's own environment (a worker's credentials) is not passed on.
    process.env.WORKER_ONLY = 'leaked';
    const started = await supervisor
      .start(sleeper('web', { env: { GREETING: 'hi', DEMO_TOKEN: 'very-secret-value' }, version: '1.2.3', port: 1234 }))
      .finally(() => delete process.env.WORKER_ONLY);
    assert.equal(started.alreadyRunning, false);
    assert.equal(started.status.running, true);
    const pid = started.status.pid!;
    assert.ok(isRunning(identify(pid)));
    // Its own session and process group: Ctrl-C on the starter's terminal does not reach it.
    assert.equal(snapshot(pid)!.pgid, pid);

    const stateText = fs.readFileSync(path.join(dir, 'web.json'), 'utf8');
    assert.ok(!stateText.includes('very-secret-value'), 'secret value written to the state file');
    const state = JSON.parse(stateText);
    assert.deepEqual(state.env, { GREETING: 'hi' });
    assert.deepEqual(state.secretEnv, ['DEMO_TOKEN']);
    assert.equal(state.pid, pid);
    assert.equal(state.version, '1.2.3');
    assert.equal(state.port, 1234);
    assert.equal((fs.statSync(path.join(dir, 'web.json')).mode & 0o777).toString(8), '600');

    await until('log output', () => supervisor.logTail('web').includes('hello hi with-token clean'));
    assert.ok(!fs.readFileSync(path.join(dir, 'web.log'), 'utf8').includes('very-secret-value'));
  });

  it('is idempotent: the same spec twice runs once; a different one conflicts unless replaced', async () => {
    const first = await supervisor.start(sleeper('svc'));
    const second = await supervisor.start(sleeper('svc'));
    assert.equal(second.alreadyRunning, true);
    assert.equal(second.status.pid, first.status.pid);

    await rejectsWith(supervisor.start(sleeper('svc', { env: { GREETING: 'other' } })), 'PROCESS_CONFLICT', /already running/);
    const replaced = await supervisor.start(sleeper('svc', { env: { GREETING: 'other' } }), { replace: true, graceMs: 2_000 });
    assert.equal(replaced.alreadyRunning, false);
    assert.notEqual(replaced.status.pid, first.status.pid);
    assert.ok(!isRunning(identify(first.status.pid!)) || !supervisor.list().some((s) => s.pid === first.status.pid));
    assert.equal(replaced.status.restarts, 0, 'a new spec starts counting afresh');
  });

  it('stops with SIGTERM, then is a no-op; a process ignoring SIGTERM gets SIGKILL after the grace period', async () => {
    const { status } = await supervisor.start(sleeper('polite'));
    await until('it runs', () => /^hello hi/m.test(supervisor.logTail('polite')));
    const stopped = await supervisor.stop('polite', { graceMs: 5_000 });
    assert.deepEqual(stopped, { name: 'polite', known: true, wasRunning: true, pid: status.pid, killed: false });
    assert.match(supervisor.logTail('polite'), /^got SIGTERM$/m);
    assert.equal(supervisor.status('polite').running, false);
    assert.equal(supervisor.status('polite').desired, 'stopped');
    assert.deepEqual(await supervisor.stop('polite'), { name: 'polite', known: true, wasRunning: false, killed: false });
    assert.deepEqual(await supervisor.stop('never-started'), { name: 'never-started', known: false, wasRunning: false, killed: false });

    await supervisor.start({ name: 'stubborn', argv: [NODE, '-e', STUBBORN] });
    await until('it handles signals', () => /^ready$/m.test(supervisor.logTail('stubborn')));
    const began = Date.now();
    const killed = await supervisor.stop('stubborn', { graceMs: 300 });
    assert.equal(killed.killed, true);
    assert.ok(Date.now() - began >= 300);
    assert.match(supervisor.logTail('stubborn'), /^ignoring SIGTERM$/m);
  });

  it('is found, restarted and stopped by a different process; restarts count; secrets come from memory or the environment', async () => {
    const { status } = await supervisor.start(sleeper('shared', { env: { GREETING: 'hi', DEMO_TOKEN: 'tok-123456' } }));

    const seen = helper(dir, 'status', 'shared');
    assert.equal(seen.running, true);
    assert.equal(seen.pid, status.pid);

    // The other process was not given the secret and cannot invent it.
    const refused = helper(dir, 'restart', 'shared');
    assert.equal(refused.code, 'PROCESS_SECRET_MISSING');
    assert.match(refused.error, /needs DEMO_TOKEN/);

    // This one remembers the value it was given.
    const restarted = await supervisor.restart('shared', { graceMs: 2_000 });
    assert.equal(restarted.previousPid, status.pid);
    assert.notEqual(restarted.pid, status.pid);
    assert.equal(restarted.restarts, 1);
    assert.ok(!isRunning(identify(status.pid!)));
    await until('the restarted one has the token', () => (supervisor.logTail('shared').match(/^hello hi with-token clean$/gm) ?? []).length === 2).catch(
      (e) => {
        throw new Error(`${e.message}: ${supervisor.logTail('shared')}`);
      },
    );

    const stopped = helper(dir, 'stop', 'shared');
    assert.equal(stopped.wasRunning, true);
    assert.equal(stopped.pid, restarted.pid);
    assert.equal(supervisor.status('shared').running, false);

    // process.start from the record, in yet another process.
    const plain = await supervisor.start(sleeper('plain'));
    helper(dir, 'stop', 'plain');
    const again = helper(dir, 'start-recorded', 'plain');
    assert.equal(again.alreadyRunning, false);
    assert.notEqual(again.status.pid, plain.status.pid);
    assert.equal(again.status.restarts, 1);
    assert.equal(helper(dir, 'start-recorded', 'plain').alreadyRunning, true);
  });

  it('keeps running when the process that started it is SIGKILLed, and another process stops it', async () => {
    const spec = sleeper('orphan');
    const starter = spawn(NODE, [HELPER, dir, 'start', JSON.stringify(spec), '--hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    starter.stdout!.on('data', (d) => {
      out += d;
    });
    await until('the starter reports', () => out.includes('\n'), 10_000);
    const pid = JSON.parse(out).status.pid as number;
    starter.kill('SIGKILL');
    await new Promise((r) => starter.once('exit', r));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(isRunning(identify(pid)), 'the child died with its starter');

    const status = supervisor.status('orphan');
    assert.equal(status.running, true);
    assert.equal(status.pid, pid);
    assert.equal((await supervisor.stop('orphan', { graceMs: 2_000 })).wasRunning, true);
    await until('it is gone', () => !isRunning(identify(pid)));
  });

  it('detects a stale state file: a dead pid, or a pid reused by another program', async () => {
    const { status } = await supervisor.start(sleeper('stale'));
    const file = path.join(dir, 'stale.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));

    // The pid now belongs to another program (this test process): same pid, different start time.
    fs.writeFileSync(file, JSON.stringify({ ...record, pid: process.pid }));
    assert.equal(supervisor.status('stale').running, false);
    const reused = await supervisor.stop('stale');
    assert.equal(reused.wasRunning, false, 'would have signalled an unrelated process');
    assert.ok(isRunning(identify(process.pid)));

    // Dead pid: the real process is killed behind the supervisor's back.
    fs.writeFileSync(file, JSON.stringify(record));
    process.kill(status.pid!, 'SIGKILL');
    await until('it is dead', () => !supervisor.status('stale').running);
    const fresh = await supervisor.start(sleeper('stale'));
    assert.equal(fresh.alreadyRunning, false);
    assert.notEqual(fresh.status.pid, status.pid);
  });

  it('waits for the health URL (version must match) and reports a process that dies at start with its log', async () => {
    const port = await freePort();
    const spec: ProcessSpec = {
      name: 'api',
      argv: [NODE, '-e', WEB],
      env: { PORT: String(port), VERSION: '2.0.0' },
      version: '2.0.0',
      healthUrl: `http://127.0.0.1:${port}/health`,
    };
    const started = await supervisor.start(spec);
    const answer = (await (await fetch(spec.healthUrl!)).json()) as { version: string };
    assert.equal(answer.version, '2.0.0');
    assert.equal(started.status.version, '2.0.0');

    // Version 3 is asked for but the program says 2.0.0: never "ready".
    const port2 = await freePort();
    await rejectsWith(
      supervisor.start(
        { ...spec, name: 'liar', env: { PORT: String(port2), VERSION: '2.0.0' }, version: '3.0.0', healthUrl: `http://127.0.0.1:${port2}/health` },
        { readyTimeoutMs: 500 },
      ),
      'PROCESS_NOT_READY',
      /version 3\.0\.0/,
    );

    await rejectsWith(
      supervisor.start({
        name: 'dies',
        argv: [NODE, '-e', 'console.error("cannot bind: port taken"); process.exit(2)'],
        healthUrl: `http://127.0.0.1:${await freePort()}/health`,
      }),
      'PROCESS_EXITED',
      /^cannot bind: port taken$/m,
    );
  });

  it('auto-restarts a crashed process with exponential backoff, and gives up after maxRestarts', async () => {
    await supervisor.start({ name: 'crashy', argv: [NODE, '-e', CRASHER], autoRestart: { enabled: true, initialBackoffMs: 200, maxRestarts: 2 } });
    await until('it crashes', () => !supervisor.status('crashy').running);
    let now = Date.now();
    assert.deepEqual(await supervisor.heal(now), [], 'restarted without waiting the backoff');
    assert.equal(supervisor.status('crashy').autoRestart!.crashes, 1);
    assert.deepEqual(await supervisor.heal(now + 199), []);
    assert.deepEqual(await supervisor.heal(now + 200), ['crashy']);
    assert.equal(supervisor.status('crashy').restarts, 1);

    await until('it crashes again', () => !supervisor.status('crashy').running);
    now = Date.now();
    await supervisor.heal(now);
    assert.deepEqual(await supervisor.heal(now + 399), [], 'the second backoff doubles');
    assert.deepEqual(await supervisor.heal(now + 400), ['crashy']);

    await until('third crash', () => !supervisor.status('crashy').running);
    await supervisor.heal(Date.now());
    const status = supervisor.status('crashy');
    assert.equal(status.autoRestart!.gaveUp, true);
    assert.equal(status.lastExit?.code, 3);
    assert.deepEqual(await supervisor.heal(Date.now() + 60_000), []);

    // Off by default, and never for a process that was stopped on purpose.
    await supervisor.start({ name: 'no-policy', argv: [NODE, '-e', CRASHER] });
    await until('it crashes', () => !supervisor.status('no-policy').running);
    assert.deepEqual(await supervisor.heal(Date.now() + 60_000), []);
  });

  it('refuses bad names, relative executables and unknown processes with a clear error', async () => {
    await rejectsWith(supervisor.start({ name: '../etc', argv: [NODE] }), 'PROCESS_BAD_NAME');
    await rejectsWith(supervisor.start({ name: 'x', argv: ['node', '-e', '1'] }), 'PROCESS_BAD_SPEC', /absolute path/);
    await rejectsWith(supervisor.start({ name: 'x', argv: [] }), 'PROCESS_BAD_SPEC');
    await rejectsWith(supervisor.restart('ghost'), 'PROCESS_UNKNOWN', /no process named ghost/);
    assert.throws(() => supervisor.status('ghost'), /no process named ghost/);
    await rejectsWith(supervisor.start({ name: 'missing', argv: ['/nonexistent/program'] }), 'PROCESS_SPAWN', /cannot start/);
  });
});
