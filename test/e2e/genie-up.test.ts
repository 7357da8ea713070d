/**
 * The newcomer path: `genie up` (what `npm start` runs) brings up the Temporal dev server with
 * its Web UI and a worker; runs work; a second `genie up` says one is running; Ctrl-C stops
 * everything; the SQLite state survives a restart.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../helpers/ports';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

describe('genie up: dev server + UI + worker (real processes)', function () {
  this.timeout(180_000);
  let stateDir: string;
  let env: Record<string, string>;
  let up: Spawned | undefined;

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-up-'));
    const grpc = await freePort();
    const ui = await freePort();
    // TEMPORAL_ADDRESS must be unset: up starts its own server.
    env = { GENIE_STATE_DIR: stateDir, GENIE_TEMPORAL_PORT: String(grpc), GENIE_UI_PORT: String(ui), TEMPORAL_ADDRESS: '', GENIE_TASK_QUEUE: `up-${process.pid}` };
  });
  after(async () => {
    up?.child.kill('SIGKILL');
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
    assert.ok(fs.existsSync(path.join(stateDir, 'temporal.sqlite')), 'no SQLite state file');

    up = await startUp();
    const status = await genie(['status', id, '--json'], env);
    assert.equal(status.code, 0, status.output);
    assert.equal(JSON.parse(status.output).status, 'succeeded', 'the run was lost across a restart');
    up.child.kill('SIGTERM');
    assert.equal((await up.exited).code, 0);
    up = undefined;
  });
});
