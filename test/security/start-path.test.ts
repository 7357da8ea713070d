/**
 * Starting a run with hostile workflow input, as anyone with the Temporal UI or
 * `temporal workflow start` could: against a real dev server and a real worker.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook } from '../helpers/runbooks';
import { WORKFLOW_TYPE, type RunbookInput, type RunbookResult } from '../../workflows/api';

const SAFE = `apiVersion: genie.dev/v1
kind: generic
metadata: { name: safe, version: 1.0.0 }
steps:
  - id: greet
    action: util.echo
    with: { message: hi }
`;

describe('security: the start path (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let dir: string;
  let savedDir: string | undefined;
  const queue = uniqueQueue('start-path');
  let counter = 0;

  before(async () => {
    env = await localEnv();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-start-path-'));
    fs.writeFileSync(path.join(dir, 'safe.yaml'), SAFE);
    // A file next to the runbook directory that a "../" name would reach.
    fs.writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-outside.yaml`), SAFE.replace('name: safe', 'name: outside'));
    savedDir = process.env.GENIE_RUNBOOK_DIR;
    process.env.GENIE_RUNBOOK_DIR = dir;
  });
  after(() => {
    if (savedDir === undefined) delete process.env.GENIE_RUNBOOK_DIR;
    else process.env.GENIE_RUNBOOK_DIR = savedDir;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(dir), `${path.basename(dir)}-outside.yaml`), { force: true });
  });

  /** Starts the workflow with raw input, as the Temporal UI would (no CLI checks in between). */
  const start = (input: unknown) =>
    env.client.workflow.start<(i: RunbookInput) => Promise<RunbookResult>>(WORKFLOW_TYPE, {
      taskQueue: queue,
      workflowId: `start-path-${process.pid}-${++counter}`,
      args: [input as RunbookInput],
    });
  const failure = async (input: unknown): Promise<{ message: string; type?: string }> => {
    const handle = await start(input);
    try {
      const result = await handle.result();
      return assert.fail(`the run was expected to fail but ended ${result.status} (source ${result.runbook.source})`);
    } catch (err) {
      assert.ok(err instanceof WorkflowFailedError, String(err));
      const cause = err.cause as { message: string; type?: string; cause?: { message: string; type?: string } };
      return cause.cause ?? cause;
    }
  };

  it('refuses paths as runbook names with a clear error, reading nothing, and the worker keeps running', async () => {
    await withWorker(env, queue, async () => {
      const before = process.memoryUsage().rss;
      const outside = `../${path.basename(dir)}-outside`;
      for (const name of [outside, 'runbooks/hello.yaml', `${dir}/safe.yaml`, '/etc/passwd', '/dev/zero']) {
        const { message, type } = await failure({ runbook: name, params: {} });
        assert.equal(type, 'RUNBOOK_NAME_INVALID', `${name}: ${message}`);
        assert.match(message, /is not a runbook name/);
        assert.match(message, /genie run <file>/);
        assert.doesNotMatch(message, /root:|no such file|metadata/);
      }
      // /dev/zero used to be read until the worker ran out of memory; nothing was read now.
      assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'the worker did not grow by hundreds of MB');
      const ok = await (await start({ runbook: 'safe', params: {} })).result();
      assert.equal(ok.status, 'succeeded');
      assert.equal(ok.runbook.source, path.join(dir, 'safe.yaml'));
    });
  });

  it('refuses a forged "continued" field on a fresh start before any step runs', async () => {
    const forged = inlineRunbook([
      { id: 'gate', action: 'util.fail', with: { message: 'the forged continuation must not skip this' } },
      { id: 'after', action: 'util.echo', with: {} },
    ]);
    const loaded = {
      resolved: { definition: forged, sha256: 'x'.repeat(64), source: '/somewhere/trusted.yaml', actions: {}, groups: {} },
      params: {},
      secretParams: [],
      continueAsNewAfterEvents: 10_000,
      searchAttributes: false,
    };
    const continued = { loaded, requestedBy: 'admin', startedAt: new Date().toISOString(), nextStep: 1, views: {}, records: [], overrides: [], paused: false };
    await withWorker(env, queue, async () => {
      const { message, type } = await failure({ runbook: forged.metadata.name, continued });
      assert.equal(type, 'CONTINUED_FORGED', message);
      assert.match(message, /"continued" is set only by Genie itself/);
    });
  });

  it('records an inline definition as "inline" and refuses a caller-given file for it', async () => {
    const rb = inlineRunbook([{ id: 'a', action: 'util.echo', with: {} }]);
    await withWorker(env, queue, async () => {
      const plain = await (await start({ runbook: rb, params: {} })).result();
      assert.equal(plain.runbook.source, 'inline');
      const { message, type } = await failure({ runbook: { definition: rb, file: '/etc/genie/approved/production.yaml', text: '' }, params: {} });
      assert.equal(type, 'RUNBOOK_INVALID', message);
      assert.doesNotMatch(message, /production\.yaml/);
    });
  });
});
