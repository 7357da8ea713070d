/** The genie CLI as an operator uses it, as real processes against a real server and worker (help texts in this process). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { projectRoot } from '../../src/paths';
import { localEnv, uniqueQueue } from '../helpers/temporal';
import { genieInProcess } from '../helpers/cli';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { startTargets, type Targets } from '../scenarios/shipped';

describe('genie CLI (real processes)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let targets: Targets;
  let worker: Spawned;
  let cliEnv: Record<string, string>;
  let tmp: string;
  const queue = uniqueQueue('genie-cli');

  before(async () => {
    env = await localEnv();
    targets = await startTargets();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-cli-'));
    cliEnv = { TEMPORAL_ADDRESS: env.address, GENIE_TASK_QUEUE: queue, GENIE_STATE_DIR: tmp, GENIE_USER: 'cli-tester' };
    worker = spawnGenie(['worker'], cliEnv);
    await waitForOutput(worker, /worker polling/);
  });
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await targets.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  // In this process: 34 help texts need no Temporal, and spawning each cost ~20 s on a loaded machine.
  it('--help works for every command', async () => {
    const top = await genieInProcess(['--help']);
    assert.equal(top.code, 0);
    const names = [...top.output.matchAll(/^ {2}([\w-]+)/gm)].map((m) => m[1]);
    assert.ok(names.length >= 14, top.output);
    for (const name of names) {
      const { code, output } = await genieInProcess([name, '--help']);
      assert.equal(code, 0, `${name} --help: ${output}`);
      assert.match(output, new RegExp(`usage: genie ${name}`));
    }
  });

  it('validate: shipped runbooks are valid (exit 0); the bad corpus fails with file:line:col (exit 1)', async () => {
    const good = await genie(['validate', path.join(projectRoot, 'runbooks')]);
    assert.equal(good.code, 0, good.output);
    const bad = await genie(['validate', path.join(projectRoot, 'test', 'fixtures', 'bad-runbooks')]);
    assert.equal(bad.code, 1);
    assert.match(bad.output, /bad-runbooks\/[\w-]+\.ya?ml:\d+:\d+: [A-Z_]+ /);
    assert.match(bad.output, /hint: /);
  });

  it('run --wait follows a run and exits 0; status and history show it', async () => {
    const id = `cli-run-${Date.now()}`;
    const runIt = await genie(['run', 'hello', '--param', `uiUrl=${targets.url}`, '--param', 'name=ops', '--id', id, '--wait'], cliEnv);
    assert.equal(runIt.code, 0, runIt.output);
    assert.match(runIt.output, /greet\s+succeeded/);
    assert.match(runIt.output, /^succeeded$/m);

    const status = await genie(['status', id, '--json'], cliEnv);
    assert.equal(status.code, 0, status.output);
    const state = JSON.parse(status.output);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(
      state.steps.map((s: { id: string }) => s.id),
      ['greet', 'ui'],
    );

    const history = await genie(['history', id], cliEnv);
    assert.equal(history.code, 0, history.output);
    assert.match(history.output, /run of hello requested by cli-tester/);
    assert.match(history.output, /greet: Say hello: succeeded/);
    assert.match(history.output, /run ended succeeded/);
  });

  it('run exits 1 when the runbook fails and 2 (starting nothing) on bad parameters or unknown runbooks', async () => {
    const failed = await genie(['run', 'hello', '--param', 'uiUrl=http://127.0.0.1:1', '--wait'], cliEnv);
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /^failed: ui: /m);
    const badParam = await genie(['run', 'hello', '--param', 'colour=blue'], cliEnv);
    assert.equal(badParam.code, 2, badParam.output);
    assert.match(badParam.output, /colour/);
    assert.match(badParam.output, /nothing was started/);
    const unknown = await genie(['run', 'helo'], cliEnv);
    assert.equal(unknown.code, 2, unknown.output);
    assert.match(unknown.output, /did you mean 'hello'/);
  });

  it('approve and abort from the CLI carry who and why; refusals exit 1 with the reason', async () => {
    const file = path.join(tmp, 'gate.yaml');
    fs.writeFileSync(
      file,
      [
        'apiVersion: genie.dev/v1',
        'kind: generic',
        'metadata: {name: cli-gate, version: "1"}',
        'steps:',
        '  - id: gate',
        '    approval: {approvers: [alice], separationOfDuties: true}',
        '  - id: wait',
        '    sleep: 1h',
        'onFailure:',
        '  - id: undo',
        '    action: util.echo',
        '    with: {undone: true}',
      ].join('\n'),
    );
    const id = `cli-gate-${Date.now()}`;
    const started = await genie(['run', file, '--id', id, '--as', 'alice'], cliEnv);
    assert.equal(started.code, 0, started.output);
    await waitStatus(id, /approval pending on gate/);
    const self = await genie(['approve', id, '--as', 'alice'], cliEnv);
    assert.equal(self.code, 1);
    assert.match(self.output, /separation of duties/);
    // A second person in the approvers list is needed; bob is not in it.
    const outsider = await genie(['approve', id, '--as', 'bob', '--comment', 'lgtm'], cliEnv);
    assert.equal(outsider.code, 1);
    assert.match(outsider.output, /bob is not an approver/);
    const abort = await genie(['abort', id, '--as', 'carol', '--reason', 'wrong change window'], cliEnv);
    assert.equal(abort.code, 0, abort.output);
    const final = await waitStatus(id, /— aborted/);
    assert.match(final, /abort by carol — wrong change window/);
    assert.match(final, /onFailure\.undo\s+succeeded/);
  });

  it('list filters runs by runbook name and status', async () => {
    const listed = await genie(['list', '--name', 'hello', '--status', 'succeeded', '--json'], cliEnv);
    assert.equal(listed.code, 0, listed.output);
    const rows = JSON.parse(listed.output) as { runbook: string; status: string }[];
    assert.ok(rows.length >= 1, 'the hello run is not listed');
    assert.ok(rows.every((r) => r.runbook === 'hello' && r.status === 'succeeded'));
    const injected = await genie(['list', '--name', "x' OR 1=1"], cliEnv);
    assert.equal(injected.code, 2);
  });

  async function waitStatus(id: string, pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 20_000;
    let last = '';
    while (Date.now() < deadline) {
      last = (await genie(['status', id], cliEnv)).output;
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`status never matched ${pattern}:\n${last}`);
  }
});
