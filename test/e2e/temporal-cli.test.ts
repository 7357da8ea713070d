/**
 * A client no one here wrote: the official `temporal` CLI starts a runbook, signals it and
 * reads its history — exactly what an operator without Genie's CLI would do.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_CLI, ensureBinary } from '../../src/temporal/binaries';
import { AesGcmCodec } from '../../src/temporal/codec/aes-gcm-codec';
import { readKeyring } from '../../src/temporal/codec/keyring';
import { startCodecServer } from '../../src/temporal/codec/server';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { waitForState } from '../helpers/runbooks';
import { startTargets, type Targets } from '../scenarios/shipped';

const run = promisify(execFile);

describe('the temporal CLI as a client (start, signal, show)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let targets: Targets;
  const queue = uniqueQueue('cli');
  // Payloads are encrypted; the temporal CLI reads them through Genie's codec server, as the Web UI does.
  let codec: { url: string; close(): Promise<void> };
  before(async () => {
    env = await localEnv();
    targets = await startTargets();
    codec = await startCodecServer({ codec: new AesGcmCodec(readKeyring()!), token: 'cli-test-token' });
  });
  after(async () => {
    await targets.close();
    await codec.close();
  });
  const temporal = (...args: string[]) =>
    run(ensureBinary(TEMPORAL_CLI), [...args, '--address', env.address, '--codec-endpoint', codec.url, '--codec-auth', 'Bearer cli-test-token'], {
      encoding: 'utf8',
    });

  it('starts hello by name with the UI-form input and reads the result', async () => {
    const id = `cli-hello-${Date.now()}`;
    await withWorker(env, queue, async () => {
      await temporal(
        'workflow',
        'start',
        '--type',
        'runbook',
        '--task-queue',
        queue,
        '--workflow-id',
        id,
        '--input',
        JSON.stringify({ runbook: 'hello', params: { uiUrl: targets.url } }),
      );
      await env.client.workflow.getHandle(id).result();
    });
    const { stdout } = await temporal('workflow', 'show', '--workflow-id', id, '--output', 'json');
    const events = (
      JSON.parse(stdout) as { events: { eventType: string; workflowExecutionCompletedEventAttributes?: { result: { payloads: { data: string }[] } } }[] }
    ).events;
    const completed = events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    assert.ok(completed, 'no completion event in history');
    const result = JSON.parse(Buffer.from(completed.workflowExecutionCompletedEventAttributes!.result.payloads[0].data, 'base64').toString());
    assert.equal(result.status, 'succeeded');
    assert.equal(result.outputs.greeting, 'hello, world');
  });

  it('approves a waiting run with `temporal workflow signal`, and the signal with who/why is in history', async () => {
    const id = `cli-approval-${Date.now()}`;
    const runbook = {
      apiVersion: 'genie.dev/v1',
      kind: 'generic',
      metadata: { name: 'cli-gate', version: '1.0.0' },
      steps: [
        { id: 'gate', approval: { approvers: ['oncall'] } },
        { id: 'after', action: 'util.echo', with: { ok: true } },
      ],
    };
    await withWorker(env, queue, async () => {
      await temporal(
        'workflow',
        'start',
        '--type',
        'runbook',
        '--task-queue',
        queue,
        '--workflow-id',
        id,
        '--input',
        JSON.stringify({ runbook, requestedBy: 'cli-user' }),
      );
      const handle = env.client.workflow.getHandle(id);
      await waitForState(handle, (s) => s.pendingApprovals.length === 1);
      await temporal(
        'workflow',
        'signal',
        '--workflow-id',
        id,
        '--name',
        'approve',
        '--input',
        JSON.stringify({ by: 'oncall', reason: 'approved from the temporal CLI' }),
      );
      const result = await handle.result();
      assert.equal(result.status, 'succeeded');
    });
    const { stdout } = await temporal('workflow', 'show', '--workflow-id', id);
    assert.match(stdout, /WorkflowExecutionSignaled/);
    assert.match(stdout, /approved from the temporal CLI/);
    assert.match(stdout, /WorkflowExecutionCompleted/);
  });
});
