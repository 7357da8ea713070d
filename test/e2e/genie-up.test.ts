/**
 * The newcomer path: `genie up` (what `npm start` runs) brings up the Temporal dev server with
 * its Web UI, a worker, and the demo environment (router + stable + canary, supervised
 * processes); runs work, including a deploy and a weight change through the router; a second
 * `genie up` says one is running; Ctrl-C stops everything; the SQLite state survives a restart.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { Supervisor } from '../../src/process';
import { freePort } from '../helpers/ports';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

async function version(url: string): Promise<string> {
  const r = await request(url);
  assert.equal(r.statusCode, 200, url);
  return ((await r.body.json()) as { version: string }).version;
}

async function closed(url: string): Promise<boolean> {
  return request(url).then(
    async (r) => {
      await r.body.dump();
      return false;
    },
    (e: { code?: string }) => e.code === 'ECONNREFUSED',
  );
}

/** Through `genie up`'s worker: deploy canary 2.0.0 on its GENIE_DEPLOY_PORTS port, send it all of route app. */
const DEPLOY_RUNBOOK = `apiVersion: genie.dev/v1
kind: canary
metadata: { name: up-deploy, version: 1.0.0 }
steps:
  - id: deploy
    action: deploy.start
    with: { service: canary, version: 2.0.0 }
  - id: shift
    action: traffic.setWeights
    with: { route: app, weights: { stable: 0, canary: 100 } }
`;

describe('genie up: dev server + UI + worker + demo environment (real processes)', function () {
  this.timeout(180_000);
  let stateDir: string;
  let env: Record<string, string>;
  let up: Spawned | undefined;
  let demo: { router: string; admin: string; stable: string; canary: string };

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-up-'));
    const grpc = await freePort();
    const ui = await freePort();
    // TEMPORAL_ADDRESS must be unset: up starts its own server.
    const [router, admin, stable, canary, alerts] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    demo = {
      router: `http://127.0.0.1:${router}`,
      admin: `http://127.0.0.1:${admin}`,
      stable: `http://127.0.0.1:${stable}`,
      canary: `http://127.0.0.1:${canary}`,
    };
    env = {
      GENIE_STATE_DIR: stateDir,
      GENIE_TEMPORAL_PORT: String(grpc),
      GENIE_UI_PORT: String(ui),
      TEMPORAL_ADDRESS: '',
      GENIE_TASK_QUEUE: `up-${process.pid}`,
      GENIE_ROUTER_PORT: String(router),
      GENIE_ROUTER_ADMIN_PORT: String(admin),
      GENIE_STABLE_PORT: String(stable),
      GENIE_CANARY_PORT: String(canary),
      GENIE_ROUTER_TOKEN: '',
      GENIE_ROUTER_ADMIN_URL: '',
      GENIE_DEMO: '',
      GENIE_PROCESS_DIR: '',
      GENIE_ALERTS_PORT: String(alerts),
    };
  });
  after(async () => {
    up?.child.kill('SIGKILL');
    // The demo processes are detached: a failed test must not leave them running.
    await new Supervisor({ dir: path.join(stateDir, 'processes') }).stopGroup('demo', { graceMs: 1_000 }).catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function startUp(): Promise<Spawned> {
    const p = spawnGenie(['up'], env);
    await waitForOutput(p, /Ctrl-C stops everything/, 90_000);
    return p;
  }

  it('serves the UI, runs hello by name, refuses a second instance, stops cleanly and keeps state', async () => {
    up = await startUp();
    const uiUrl = `http://localhost:${env.GENIE_UI_PORT}`;
    assert.match(up.output(), new RegExp(`Temporal Web UI: ${uiUrl}`));
    assert.match(up.output(), /Workflow Type: runbook {3}Task Queue: up-\d+ {3}Input \(JSON\): \{"runbook":"hello"\}/);
    const page = await fetch(uiUrl);
    assert.equal(page.status, 200);

    // The demo environment: the router answers on route app, and all of it reaches stable.
    assert.match(up.output(), new RegExp(`Demo router: ${demo.router} \\(route "app": stable 100 / canary 0\\)`));
    const token = fs.readFileSync(path.join(stateDir, 'router-token'), 'utf8').trim();
    assert.ok(token.length >= 32);
    assert.ok(!up.output().includes(token), 'the router token was printed');
    for (let i = 0; i < 5; i++) assert.equal(await version(`${demo.router}/orders/${i}`), '1.0.0');
    assert.equal(await version(`${demo.canary}/health`), '1.1.0');
    const unauthorized = await request(`${demo.admin}/config`);
    await unauthorized.body.dump();
    assert.equal(unauthorized.statusCode, 401);
    const processes = new Supervisor({ dir: path.join(stateDir, 'processes') });
    assert.deepEqual(
      processes
        .list()
        .filter((p) => p.running)
        .map((p) => p.name),
      ['canary', 'router', 'stable'],
    );

    // The in-process worker has the router's URL and token and the deploy ports.
    const runbookFile = path.join(stateDir, 'up-deploy.yaml');
    fs.writeFileSync(runbookFile, DEPLOY_RUNBOOK);
    const deployed = await genie(['run', runbookFile, '--id', `up-deploy-${Date.now()}`, '--wait'], env);
    assert.equal(deployed.code, 0, deployed.output);
    assert.equal(await version(`${demo.router}/after-deploy`), '2.0.0');
    assert.ok(!deployed.output.includes(token));

    const id = `up-hello-${Date.now()}`;
    const run = await genie(['run', 'hello', '--id', id, '--param', `uiUrl=${uiUrl}`, '--wait'], env);
    assert.equal(run.code, 0, run.output);

    const second = await genie(['up'], env);
    assert.notEqual(second.code, 0);
    assert.match(second.output, /already running \(pid \d+/);

    up.child.kill('SIGINT');
    const exit = await up.exited;
    assert.equal(exit.code, 0, up.output());
    assert.ok(!fs.existsSync(path.join(stateDir, 'temporal-server.json')), 'pid file left behind');
    for (const url of [demo.router, demo.stable, demo.canary]) assert.ok(await closed(`${url}/health`), `${url} still answers after Ctrl-C`);
    assert.ok(fs.existsSync(path.join(stateDir, 'temporal.sqlite')), 'no SQLite state file');

    up = await startUp();
    const status = await genie(['status', id, '--json'], env);
    assert.equal(status.code, 0, status.output);
    assert.equal(JSON.parse(status.output).status, 'succeeded', 'the run was lost across a restart');
    // A fresh demo: the canary is 1.1.0 again, and the router sends everything to stable.
    assert.equal(await version(`${demo.router}/again`), '1.0.0');
    assert.equal(await version(`${demo.canary}/health`), '1.1.0');
    up.child.kill('SIGTERM');
    assert.equal((await up.exited).code, 0);
    up = undefined;
  });
});
