/**
 * deploy.* and process.* with real processes: demo services started, replaced, restarted
 * and stopped through the supervisor (and once through a real Temporal worker); command mode
 * with an allowlisted and a refused program; webhook mode against a real HTTP receiver.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { start as deployStart, stop as deployStop, deployPorts } from '../../activities/deploy';
import { restart, start as processStart, status, stop as processStop } from '../../activities/process';
import { actionCatalog } from '../../activities/registry';
import { validateDefinition } from '../../src/dsl';
import { Supervisor } from '../../src/process';
import { identify, isRunning } from '../../src/process/proc';
import { freePort } from '../helpers/ports';
import { inlineRunbook, runInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { failureOf } from '../unit/activities/failure';

/** What demo mode returns (the actions' declared result is the union over the three modes). */
type Started = { service: string; version: string; mode: string; pid: number; url: string; port: number; alreadyRunning: boolean } & Record<string, unknown>;
type Stopped = { service: string; mode: string; stopped: boolean; wasRunning: boolean; pid: number | null; version?: string; reason?: string } & Record<
  string,
  unknown
>;
const startDeploy = (a: Parameters<typeof deployStart.run>[0]) => deployStart.run(a) as Promise<Started>;
const stopDeploy = (a: Parameters<typeof deployStop.run>[0]) => deployStop.run(a) as Promise<Stopped>;

async function answer(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await request(url);
  return { status: r.statusCode, body: (await r.body.json()) as Record<string, unknown> };
}

async function refused(url: string): Promise<boolean> {
  try {
    await (await request(url, { headersTimeout: 1_000 })).body.dump();
    return false;
  } catch (error) {
    return /ECONNREFUSED/.test(String((error as { code?: string }).code ?? error));
  }
}

const VARS = [
  'GENIE_PROCESS_DIR',
  'GENIE_DEPLOY_PORTS',
  'GENIE_DEPLOY_MODE',
  'GENIE_COMMAND_ALLOWLIST',
  'GENIE_DEPLOY_WEBHOOK_URL',
  'GENIE_DEPLOY_WEBHOOK_TOKEN',
] as const;

describe('deploy.* and process.* (real processes)', function () {
  this.timeout(90_000);
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  let dir: string;
  let canaryPort: number;
  let stablePort: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-deploy-'));
    canaryPort = await freePort();
    stablePort = await freePort();
    process.env.GENIE_PROCESS_DIR = dir;
    process.env.GENIE_DEPLOY_PORTS = `stable=${stablePort},canary=${canaryPort}`;
    delete process.env.GENIE_DEPLOY_MODE;
  });
  after(async () => {
    const supervisor = new Supervisor({ dir });
    for (const s of supervisor.list()) await supervisor.stop(s.name, { graceMs: 1_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });

  it('are registered; a runbook using them validates and bad arguments are refused at load time', () => {
    for (const name of ['deploy.start', 'deploy.stop', 'process.start', 'process.stop', 'process.restart', 'process.status'])
      assert.ok(actionCatalog.has(name), name);
    const ok = validateDefinition(
      {
        apiVersion: 'genie.dev/v1',
        kind: 'canary',
        metadata: { name: 'deploy', version: '1.0.0' },
        steps: [
          { id: 'up', action: 'deploy.start', with: { service: 'canary', version: '2.0.0', demo: { errorRate: 0.2, latency: '20ms', fields: { price: 12 } } } },
          {
            id: 'cmd',
            action: 'deploy.start',
            with: { service: 'canary', version: '2.0.0', mode: 'command', command: ['systemctl', 'restart', 'app@{version}'] },
          },
          { id: 'check', action: 'process.status', with: { name: 'canary' } },
          { id: 'heal', action: 'process.restart', with: { name: 'canary', grace: '5s' } },
          { id: 'down', action: 'deploy.stop', with: { service: 'canary', version: '2.0.0' } },
        ],
      },
      actionCatalog,
    );
    assert.deepEqual(ok.diagnostics, [], JSON.stringify(ok.diagnostics));
    for (const bad of [
      { service: 'canary', version: '-rf' },
      { service: '../x', version: '1' },
      { service: 'canary', version: '1', mode: 'ssh' },
      { service: 'canary', version: '1', demo: { errorRate: 2 } },
      { service: 'canary', version: '1', token: 'x' },
    ]) {
      const r = validateDefinition(
        { apiVersion: 'genie.dev/v1', kind: 'canary', metadata: { name: 'bad', version: '1.0.0' }, steps: [{ id: 'x', action: 'deploy.start', with: bad }] },
        actionCatalog,
      );
      assert.ok(
        r.diagnostics.some((d) => d.code === 'ACTION_ARGS'),
        `accepted ${JSON.stringify(bad)}`,
      );
    }
  });

  it('demo mode: starts canary v2 on its GENIE_DEPLOY_PORTS port, does not start it twice, replaces it with v3, stops it', async () => {
    const first = await startDeploy({ service: 'canary', version: '2.0.0', demo: { fields: { price: 12 } } });
    assert.deepEqual({ ...first, pid: typeof first.pid } as Record<string, unknown>, {
      service: 'canary',
      version: '2.0.0',
      mode: 'demo',
      pid: 'number',
      url: `http://127.0.0.1:${canaryPort}`,
      port: canaryPort,
      alreadyRunning: false,
    });
    const got = await answer(`${first.url}/orders`);
    assert.equal(got.status, 200);
    assert.equal(got.body.version, '2.0.0');
    assert.equal(got.body.service, 'canary');
    assert.equal(got.body.price, 12);

    // A retried step: nothing new is spawned.
    const again = await startDeploy({ service: 'canary', version: '2.0.0', demo: { fields: { price: 12 } } });
    assert.equal(again.alreadyRunning, true);
    assert.equal(again.pid, first.pid);
    assert.equal(new Supervisor({ dir }).list().filter((s) => s.running).length, 1);

    const v3 = await startDeploy({ service: 'canary', version: '3.0.0', demo: { errorRate: 1, errorStatus: 503 } });
    assert.equal(v3.alreadyRunning, false);
    assert.notEqual(v3.pid, first.pid);
    assert.ok(!isRunning(identify(first.pid!)), 'v2 still runs beside v3');
    const failing = await answer(`${v3.url}/x`);
    assert.equal(failing.status, 503);
    assert.equal(failing.body.version, '3.0.0');

    // Stopping another version leaves this one alone (another rollout's canary is not ours).
    const notMine = await stopDeploy({ service: 'canary', version: '2.0.0' });
    assert.equal(notMine.stopped, false);
    assert.match(String(notMine.reason), /version 3\.0\.0 runs/);
    assert.equal((await answer(`${v3.url}/health`)).status, 200);

    const stopped = await stopDeploy({ service: 'canary', version: '3.0.0' });
    assert.deepEqual(stopped, { service: 'canary', mode: 'demo', stopped: true, wasRunning: true, pid: v3.pid, version: '3.0.0' });
    assert.ok(await refused(`${v3.url}/health`), 'the port still answers');
    const twice = await stopDeploy({ service: 'canary' });
    assert.equal(twice.stopped, false);
    assert.equal(twice.wasRunning, false);
    const never = await stopDeploy({ service: 'blue' });
    assert.equal(never.stopped, false);
  });

  it('demo mode refuses what it cannot do, with the fix in the message', async () => {
    const noPort = await failureOf(startDeploy({ service: 'green', version: '1.0.0' }), 'DEPLOY_NOT_CONFIGURED');
    assert.match(noPort.message, /no port for service green: pass port, or add green=<port> to GENIE_DEPLOY_PORTS/);
    assert.throws(() => deployPorts('stable=18081,canary'), /GENIE_DEPLOY_PORTS entry "canary" is not service=port/);

    const stable = await startDeploy({ service: 'stable', version: '1.0.0' });
    const clash = await failureOf(startDeploy({ service: 'green', version: '1.0.0', port: stablePort }), 'DEPLOY_PORT_TAKEN');
    assert.match(clash.message, new RegExp(`port ${stablePort} is taken by the supervised process stable`));

    // A supervised process that is not a demo service (the router, say) is not deploy's to replace.
    const supervisor = new Supervisor({ dir });
    await supervisor.start({ name: 'router-like', argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] });
    const notService = await failureOf(startDeploy({ service: 'router-like', version: '1.0.0', port: await freePort() }), 'DEPLOY_NOT_A_SERVICE');
    assert.match(notService.message, /manage it with process\.\*/);
    assert.equal(supervisor.status('router-like').running, true);
    await supervisor.stop('router-like');
    await stopDeploy({ service: 'stable', version: stable.version });
  });

  it('process.*: status, restart (new pid, restarts counted, answers again), stop, start; unknown names refused', async () => {
    const deployed = await startDeploy({ service: 'stable', version: '1.0.0' });
    const before = await status.run({ name: 'stable' });
    assert.equal(before.running, true);
    assert.equal(before.pid, deployed.pid);
    assert.equal(before.version, '1.0.0');
    assert.ok(before.uptimeMs >= 0);

    const restarted = await restart.run({ name: 'stable', grace: '2s' });
    assert.equal(restarted.previousPid, deployed.pid);
    assert.notEqual(restarted.pid, deployed.pid);
    assert.equal(restarted.restarts, before.restarts + 1);
    assert.equal((await answer(`${deployed.url}/health`)).body.version, '1.0.0');

    // A crash behind the supervisor's back: status says so, process.start brings it back.
    process.kill(restarted.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const crashed = await status.run({ name: 'stable' });
    assert.equal(crashed.running, false);
    assert.equal(crashed.pid, null);
    assert.equal(crashed.uptimeMs, 0);
    const back = await processStart.run({ name: 'stable' });
    assert.equal(back.alreadyRunning, false);
    assert.equal(back.running, true);
    assert.equal((await answer(`${deployed.url}/x`)).status, 200);
    assert.equal((await processStart.run({ name: 'stable' })).alreadyRunning, true);

    const stopped = await processStop.run({ name: 'stable' });
    assert.equal(stopped.wasRunning, true);
    assert.ok(await refused(`${deployed.url}/health`));
    assert.equal((await processStop.run({ name: 'stable' })).wasRunning, false);

    for (const action of [status, processStop, restart, processStart] as const) {
      const f = await failureOf((action.run as (a: { name: string }) => Promise<unknown>)({ name: 'ghost' }), 'PROCESS_UNKNOWN');
      assert.match(f.message, /no process named ghost/);
      assert.equal(f.nonRetryable, true);
    }
  });

  it('command mode: runs an allowlisted argv with {service} and {version} filled in; refuses one not allowlisted', async () => {
    process.env.GENIE_COMMAND_ALLOWLIST = 'echo';
    const ran = await startDeploy({ service: 'api', version: '4.2.0', mode: 'command', command: ['echo', 'deploy', '{service}@{version}', '{service}'] });
    assert.equal(ran.mode, 'command');
    assert.deepEqual(ran.command, ['echo', 'deploy', 'api@4.2.0', 'api']);
    assert.equal(ran.stdout, 'deploy api@4.2.0 api\n');
    assert.equal(ran.exitCode, 0);

    const denied = await failureOf(startDeploy({ service: 'api', version: '4.2.0', mode: 'command', command: ['/bin/true'] }), 'COMMAND_NOT_ALLOWED');
    assert.match(denied.message, /add its name or absolute path to GENIE_COMMAND_ALLOWLIST/);

    // The worker's own default argv, and a missing placeholder value.
    process.env.GENIE_DEPLOY_MODE = 'command';
    process.env.GENIE_DEPLOY_STOP_COMMAND = JSON.stringify(['echo', 'stop', '{service}']);
    try {
      const stop = await stopDeploy({ service: 'api' });
      assert.equal(stop.stdout, 'stop api\n');
      process.env.GENIE_DEPLOY_STOP_COMMAND = JSON.stringify(['echo', '{version}']);
      const missing = await failureOf(stopDeploy({ service: 'api' }), 'BAD_ARGUMENT');
      assert.match(missing.message, /command\[1\] uses \{version\} but deploy\.stop was given no version/);
    } finally {
      delete process.env.GENIE_DEPLOY_MODE;
      delete process.env.GENIE_DEPLOY_STOP_COMMAND;
    }
  });

  it('webhook mode: POSTs {action, service, version} with the worker token, which never shows in the result', async () => {
    const received: { body: unknown; auth?: string; key?: string }[] = [];
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        received.push({ body: JSON.parse(text), auth: req.headers.authorization });
        res.end(`accepted, token was ${String(req.headers.authorization).slice(7)}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      process.env.GENIE_DEPLOY_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`;
      process.env.GENIE_DEPLOY_WEBHOOK_TOKEN = 'hook-secret-123';
      const r = await startDeploy({ service: 'api', version: '5.0.0', mode: 'webhook', port: 8080 });
      assert.deepEqual(received, [{ body: { action: 'start', service: 'api', version: '5.0.0', port: 8080 }, auth: 'Bearer hook-secret-123' }]);
      assert.equal(r.status, 200);
      assert.ok(!JSON.stringify(r).includes('hook-secret-123'), JSON.stringify(r));
      await stopDeploy({ service: 'api', mode: 'webhook' });
      assert.deepEqual(received[1]!.body, { action: 'stop', service: 'api' });
    } finally {
      server.close();
    }
  });

  it('through a real Temporal worker: deploy.start, process.status, deploy.stop in a runbook', async () => {
    const env = await localEnv();
    const queue = uniqueQueue('deploy');
    const result = await withWorker(env, queue, () =>
      runInline(
        env,
        queue,
        inlineRunbook([
          { id: 'up', action: 'deploy.start', with: { service: 'canary', version: '2.0.0' } },
          { id: 'again', action: 'deploy.start', with: { service: 'canary', version: '2.0.0' } },
          { id: 'check', action: 'process.status', with: { name: 'canary' } },
          { id: 'down', action: 'deploy.stop', with: { service: 'canary', version: '2.0.0' } },
        ] as never),
      ),
    );
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const out = (id: string) => result.steps.find((s) => s.id === id)!.output as Record<string, unknown>;
    assert.equal(out('up').alreadyRunning, false);
    assert.equal(out('again').alreadyRunning, true);
    assert.equal(out('again').pid, out('up').pid);
    assert.deepEqual(
      { running: out('check').running, pid: out('check').pid, version: out('check').version },
      { running: true, pid: out('up').pid, version: '2.0.0' },
    );
    assert.equal(out('down').stopped, true);
    assert.ok(await refused(`http://127.0.0.1:${canaryPort}/health`));
  });
});
