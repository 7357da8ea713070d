/** Operator overrides on live runs: approvals (M-of-N, separation of duties), abort with compensation, pause/resume, retry/skip. */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { overrideSignals, overrideUpdates, type OverrideArgs, type OverrideName } from '../../workflows/api';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline, waitForState } from '../helpers/runbooks';
import type { Runbook } from '../../src/dsl/types';

describe('interpreter: operator overrides (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('controls');
  before(async () => {
    env = await localEnv();
  });

  async function live(rb: Runbook, fn: (h: Awaited<ReturnType<typeof startInline>>) => Promise<void>, requestedBy = 'requester') {
    return withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb, { requestedBy });
      await fn(handle);
      return handle.result();
    });
  }
  const send = (h: Awaited<ReturnType<typeof startInline>>, name: OverrideName, args: OverrideArgs) => h.executeUpdate(overrideUpdates[name], { args: [args] });
  async function refused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
      assert.match(String(err.cause?.message), pattern);
      return true;
    });
  }

  const gate = (extra: Record<string, unknown> = {}): Runbook =>
    inlineRunbook([
      { id: 'gate', approval: { approvers: ['alice', 'bob', 'carol', 'requester'], minApprovals: 2, separationOfDuties: true, ...extra } },
      { id: 'act', action: 'util.echo', with: { approvedBy: '{% $steps.gate.output.approvals.by %}' } },
    ]);

  it('needs M distinct eligible approvers; refuses outsiders, repeats and the requester', async () => {
    const result = await live(gate(), async (h) => {
      await waitForState(h, (s) => s.pendingApprovals.length === 1 && s.status === 'waiting_approval');
      await refused(send(h, 'approve', { by: 'mallory' }), /not an approver/);
      await refused(send(h, 'approve', { by: 'requester' }), /separation of duties/);
      const first = await send(h, 'approve', { by: 'alice', reason: 'looks right' });
      assert.match(first.message, /1\/2/);
      await refused(send(h, 'approve', { by: 'alice' }), /distinct/);
      await send(h, 'approve', { by: 'bob' });
    });
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.steps.find((s) => s.id === 'act')?.output, { approvedBy: ['alice', 'bob'] });
  });

  it('one reject ends the approval; the step fails and onFailure compensates (rolled_back)', async () => {
    const rb = gate();
    rb.onFailure = [{ id: 'undo', action: 'util.echo', with: { why: '{% $error.message %}' } }];
    const result = await live(rb, async (h) => {
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await send(h, 'reject', { by: 'carol', reason: 'not during the sale' });
    });
    assert.equal(result.status, 'rolled_back');
    assert.equal(result.error?.code, 'APPROVAL_REJECTED');
    const undo = result.steps.find((s) => s.id === 'onFailure.undo');
    assert.equal(undo?.status, 'succeeded');
    assert.match(String((undo?.output as { why: string }).why), /carol/);
  });

  it('abort cancels the running step and runs onFailure, recording who and why', async () => {
    const rb = inlineRunbook(
      [
        { id: 'wait', sleep: '1h' },
        { id: 'never', action: 'util.echo', with: {} },
      ],
      {
        onFailure: [{ id: 'restore', action: 'util.echo', with: { restored: true } }],
      },
    );
    let overridesSeen: unknown[] = [];
    const result = await live(rb, async (h) => {
      await waitForState(h, (s) => s.steps.some((x) => x.id === 'wait' && x.status === 'waiting'));
      await send(h, 'abort', { by: 'dana', reason: 'wrong region' });
      overridesSeen = (await waitForState(h, (s) => s.overrides.length > 0)).overrides;
    });
    assert.equal(result.status, 'aborted');
    assert.match(result.error!.message, /dana: wrong region/);
    assert.equal(result.steps.find((s) => s.id === 'wait')?.status, 'cancelled');
    assert.equal(
      result.steps.find((s) => s.id === 'never'),
      undefined,
    );
    assert.equal(result.steps.find((s) => s.id === 'onFailure.restore')?.status, 'succeeded');
    assert.deepEqual(overridesSeen[0] as { action: string; by: string; reason: string }, {
      ...(overridesSeen[0] as object),
      action: 'abort',
      by: 'dana',
      reason: 'wrong region',
    });
  });

  it('pause holds the run at the next step boundary until resume', async () => {
    const rb = inlineRunbook([
      { id: 'one', sleep: '1s' },
      { id: 'two', action: 'util.echo', with: {} },
    ]);
    const result = await live(rb, async (h) => {
      await waitForState(h, (s) => s.steps.some((x) => x.id === 'one'));
      await send(h, 'pause', { by: 'erin', reason: 'checking dashboards' });
      await refused(send(h, 'pause', { by: 'erin' }), /already paused/);
      const held = await waitForState(h, (s) => s.status === 'paused' && s.steps.find((x) => x.id === 'one')?.status === 'succeeded', 10_000);
      assert.equal(
        held.steps.find((x) => x.id === 'two'),
        undefined,
        'step two ran while paused',
      );
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(
        (await waitForState(h, () => true)).steps.find((x) => x.id === 'two'),
        undefined,
      );
      await send(h, 'resume', { by: 'erin' });
    });
    assert.equal(result.status, 'succeeded');
  });

  it('onError: wait holds a failed step for retry or skip', async () => {
    const rb = inlineRunbook([
      { id: 'flaky', action: 'util.fail', with: { message: 'dependency down' }, onError: 'wait' },
      { id: 'again', action: 'util.fail', with: { message: 'still down' }, onError: 'wait' },
      { id: 'done', action: 'util.echo', with: {} },
    ]);
    const result = await live(rb, async (h) => {
      await waitForState(h, (s) => s.awaitingDecision.includes('flaky'));
      await refused(send(h, 'retry', { by: 'frank', stepId: 'done' }), /not a failed step waiting/);
      await send(h, 'retry', { by: 'frank', stepId: 'flaky', reason: 'dependency back' });
      await waitForState(h, (s) => s.awaitingDecision.includes('flaky') && (s.steps.find((x) => x.id === 'flaky')?.attempts ?? 0) >= 2);
      await send(h, 'skip', { by: 'frank', stepId: 'flaky', reason: 'known issue' });
      await waitForState(h, (s) => s.awaitingDecision.includes('again'));
      await send(h, 'skip', { by: 'frank', stepId: 'again' });
    });
    assert.equal(result.status, 'succeeded');
    const flaky = result.steps.find((s) => s.id === 'flaky')!;
    assert.equal(flaky.status, 'skipped');
    assert.equal(flaky.attempts, 2);
    assert.equal(result.steps.find((s) => s.id === 'done')?.status, 'succeeded');
  });

  it('skip of a step not reached yet, and of a running sleep', async () => {
    const rb = inlineRunbook([
      { id: 'long', sleep: '1h' },
      { id: 'later', action: 'util.fail', with: { message: 'should be skipped' } },
      { id: 'end', action: 'util.echo', with: {} },
    ]);
    const result = await live(rb, async (h) => {
      await waitForState(h, (s) => s.steps.some((x) => x.id === 'long' && x.status === 'waiting'));
      await send(h, 'skip', { by: 'gil', stepId: 'later' });
      await refused(send(h, 'skip', { by: 'gil', stepId: 'nosuch' }), /no step nosuch/);
      await send(h, 'skip', { by: 'gil', stepId: 'long' });
    });
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      result.steps.map((s) => [s.id, s.status]),
      [
        ['long', 'skipped'],
        ['later', 'skipped'],
        ['end', 'succeeded'],
      ],
    );
  });

  it('signals work too (UI, temporal CLI); a refused signal is recorded, not applied', async () => {
    const result = await live(gate({ minApprovals: 1 }), async (h) => {
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await h.signal(overrideSignals.approve, { by: 'requester' });
      const state = await waitForState(h, (s) => s.overrides.length === 1);
      assert.equal(state.overrides[0].accepted, false);
      assert.match(String(state.overrides[0].refusal), /separation of duties/);
      assert.equal(state.pendingApprovals.length, 1);
      await h.signal(overrideSignals.approve, { by: 'carol', reason: 'ok' });
    });
    assert.equal(result.status, 'succeeded');
  });

  it('approval timeouts: reject by default, approve or escalate when configured', async () => {
    const rejected = await live(inlineRunbook([{ id: 'gate', approval: { timeout: '500ms' } }]), async () => undefined);
    assert.equal(rejected.status, 'failed');
    assert.equal(rejected.error?.code, 'APPROVAL_TIMEOUT');
    const approved = await live(inlineRunbook([{ id: 'gate', approval: { timeout: '300ms', onTimeout: 'approve' } }]), async () => undefined);
    assert.equal(approved.status, 'succeeded');
    const escalated = await live(
      inlineRunbook([{ id: 'gate', approval: { approvers: ['alice'], timeout: '1s', onTimeout: 'escalate', escalateTo: ['manager'] } }]),
      async (h) => {
        await waitForState(h, (s) => s.pendingApprovals[0]?.approvers.includes('manager'), 10_000);
        await send(h, 'approve', { by: 'manager', reason: 'escalated to me' });
      },
    );
    assert.equal(escalated.status, 'succeeded');
  });
});
