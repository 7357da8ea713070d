/** The runbooks Genie ships, run by name from runbooks/ against real loopback targets. */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { scenarios, startTargets, type Targets } from '../scenarios/shipped';

describe('shipped runbooks (real Temporal, real targets)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let targets: Targets;
  const queue = uniqueQueue('shipped');
  const saved = process.env.GENIE_COMMAND_ALLOWLIST;
  before(async () => {
    env = await localEnv();
    targets = await startTargets();
    process.env.GENIE_COMMAND_ALLOWLIST = 'uptime';
  });
  after(async () => {
    await targets.close();
    if (saved === undefined) delete process.env.GENIE_COMMAND_ALLOWLIST;
    else process.env.GENIE_COMMAND_ALLOWLIST = saved;
  });
  const play = (name: string) => withWorker(env, queue, () => scenarios.find((s) => s.name === name)!.run(env, queue, targets));

  it('all-kinds: every step kind in one runbook, with its child runbook', async () => {
    const { result } = await play('all-kinds');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.outputs.target, 'canary-7');
    assert.equal(result.outputs.branch, 'then');
    assert.deepEqual(result.outputs.child, { greeting: 'hi from canary-7' });
    assert.deepEqual(result.outputs.polled, { attempts: 2, satisfied: true });
    const byId = Object.fromEntries(result.steps.map((s) => [s.id, s]));
    assert.equal(byId.flaky.attempts, 2);
    assert.equal(byId.broken.status, 'failed');
    assert.equal(byId.quiet.status, 'skipped');
    assert.deepEqual(
      ['each[0].visited', 'each[1].visited', 'each[2].visited'].map((id) => byId[id]?.status),
      ['succeeded', 'succeeded', 'succeeded'],
    );
  });

  it('hello greets and finds the UI answering', async () => {
    const { result } = await play('hello');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.outputs.greeting, 'hello, world');
    assert.equal(result.outputs.uiStatus, 200);
    assert.equal(result.runbook.name, 'hello');
    assert.match(result.runbook.source, /runbooks\/hello\.yaml$/);
  });

  it('incident-triage probes, gathers health, waits for approval, remediates and notifies', async () => {
    targets.webhooks.length = 0;
    const { result } = await play('incident-triage-approved');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.outputs.probe, 'succeeded');
    assert.equal(result.outputs.remediationExitCode, 0);
    assert.equal(targets.webhooks.length, 1);
    assert.deepEqual((targets.webhooks[0] as Record<string, unknown>).approvedBy, 'oncall');
    assert.equal((targets.webhooks[0] as Record<string, unknown>).remediation, 'succeeded');
  });

  it('incident-triage rejected: no remediation, the failure is notified by onFailure', async () => {
    targets.webhooks.length = 0;
    const { result } = await play('incident-triage-rejected');
    assert.equal(result.status, 'rolled_back');
    assert.equal(result.error?.code, 'APPROVAL_REJECTED');
    assert.equal(
      result.steps.find((s) => s.id === 'remediate'),
      undefined,
    );
    assert.equal(targets.webhooks.length, 1);
    assert.match(String((targets.webhooks[0] as Record<string, unknown>).error), /not during the sale/);
  });
});
