/**
 * The access policy's start rules on a real Temporal dev server and a real worker: who may
 * start what, inline definitions, unsigned failover/chaos starts, and refused runs recorded
 * with who tried. Plus the worker's own check: GENIE_REQUIRE_POLICY=1 without a policy.
 */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { rawPublicKey } from '../../src/policy/keys';
import { signOverride, signStart, type SigningKey } from '../../src/policy/sign';
import { genieInProcess } from '../helpers/cli';
import { genie } from '../helpers/processes';
import { inlineRunbook } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { overrideUpdates, stateQuery, WORKFLOW_TYPE, type OverrideArgs, type RunbookInput, type RunbookResult } from '../../workflows/api';
import { waitForState } from '../helpers/runbooks';

const ed = (): { key: SigningKey; pub: string } => {
  const pair = crypto.generateKeyPairSync('ed25519');
  return { key: { alg: 'ed25519', key: pair.privateKey }, pub: rawPublicKey(pair.publicKey) };
};

const runbookFile = (name: string, kind: string) => `apiVersion: genie.dev/v1
kind: ${kind}
metadata: { name: ${name}, version: 1.0.0 }
steps:
  - id: marker
    action: util.echo
    with: { ran: true }
`;

describe('security: start rules of the access policy (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let tmp: string;
  const queue = uniqueQueue('start-rules');
  const alice = ed();
  const bob = ed();
  const carol = ed();
  const dave = ed();
  const saved = { policy: process.env.GENIE_POLICY, dir: process.env.GENIE_RUNBOOK_DIR };
  let counter = 0;

  before(async () => {
    env = await localEnv();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-start-rules-'));
    const dir = path.join(tmp, 'runbooks');
    fs.mkdirSync(dir);
    // kind generic stands in for an ordinary runbook; the failover one only echoes (no cluster is touched).
    fs.writeFileSync(path.join(dir, 'smoke.yaml'), runbookFile('smoke', 'generic'));
    fs.writeFileSync(path.join(dir, 'fail-over.yaml'), runbookFile('fail-over', 'failover'));
    fs.writeFileSync(
      path.join(dir, 'gated.yaml'),
      `${runbookFile('gated', 'generic')}  - id: gate
    approval: { approvers: [carol, dave], separationOfDuties: true, timeout: 1m }
`,
    );
    const policy = path.join(tmp, 'policy.yaml');
    fs.writeFileSync(
      policy,
      [
        'identities:',
        `  alice: { publicKey: "${alice.pub}", roles: [failover-operator] }`,
        `  bob: { publicKey: "${bob.pub}", roles: [viewer] }`,
        `  carol: { publicKey: "${carol.pub}", roles: [approver] }`,
        `  dave: { publicKey: "${dave.pub}", roles: [approver] }`,
        'roles:',
        '  failover-operator:',
        '    - { actions: [start], kinds: [failover] }',
        '  viewer:',
        '    - { actions: [pause], kinds: [generic] }',
        '  approver:',
        '    - { actions: [approve], kinds: [generic] }',
      ].join('\n'),
    );
    process.env.GENIE_POLICY = policy;
    process.env.GENIE_RUNBOOK_DIR = dir;
  });
  after(() => {
    for (const [key, value] of [
      ['GENIE_POLICY', saved.policy],
      ['GENIE_RUNBOOK_DIR', saved.dir],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (input: Omit<RunbookInput, 'params'> & { params?: Record<string, unknown> }, workflowId = `start-rules-${process.pid}-${++counter}`) => {
    const handle = await env.client.workflow.start<(i: RunbookInput) => Promise<RunbookResult>>(WORKFLOW_TYPE, {
      taskQueue: queue,
      workflowId,
      args: [{ params: {}, ...input }],
    });
    return handle.result();
  };
  const signed = (who: { key: SigningKey }, name: string, runbook: string) => {
    const workflowId = `start-rules-${process.pid}-${++counter}`;
    return { workflowId, auth: signStart(who.key, { workflowId, runbook, params: {}, requestedBy: name }) };
  };
  const assertRefused = (result: RunbookResult, who: RegExp, why: RegExp) => {
    assert.equal(result.status, 'refused', JSON.stringify(result));
    assert.equal(result.error?.code, 'START_REFUSED');
    assert.match(result.requestedBy, who);
    assert.match(result.error!.message, why);
    assert.deepEqual(result.steps, [], 'no step ran');
  };

  it('starts an allowed signed start and records the verified signer as requester', async () => {
    const { workflowId, auth } = signed(alice, 'alice', 'fail-over');
    await withWorker(env, queue, async () => {
      const result = await start({ runbook: 'fail-over', requestedBy: 'alice', auth }, workflowId);
      assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
      assert.equal(result.requestedBy, 'alice');
    });
  });

  it('refuses an unsigned failover start, a signed start without the role, and a forged signature, recording who tried', async () => {
    await withWorker(env, queue, async () => {
      assertRefused(
        await start({ runbook: 'fail-over', requestedBy: 'alice' }),
        /^alice \(unverified\)$/,
        /unsigned starts of this runbook are not allowed.*failover/,
      );
      const bobs = signed(bob, 'bob', 'fail-over');
      assertRefused(
        await start({ runbook: 'fail-over', requestedBy: 'bob', auth: bobs.auth }, bobs.workflowId),
        /^bob$/,
        /no role of bob \(viewer\) allows start/,
      );
      // Bob signs in Alice's name: the signature is not Alice's.
      const forged = signed(bob, 'alice', 'fail-over');
      assertRefused(await start({ runbook: 'fail-over', requestedBy: 'alice', auth: forged.auth }, forged.workflowId), /unverified/, /bad signature/);
    });
  });

  it('refuses a start signature replayed into another run id, and an override signature used as a start signature', async () => {
    const { auth } = signed(alice, 'alice', 'fail-over');
    const override = signOverride(alice.key, 'approve', 'some-run', { by: 'alice' }, { keyId: 'alice', runId: 'some-run-first' });
    await withWorker(env, queue, async () => {
      assertRefused(await start({ runbook: 'fail-over', requestedBy: 'alice', auth }), /unverified/, /bad signature/);
      assertRefused(await start({ runbook: 'fail-over', requestedBy: 'alice', auth: override }), /unverified/, /bad signature/);
    });
  });

  it('refuses a signed start replayed under the same workflow id after its run closed', async () => {
    const { workflowId, auth } = signed(alice, 'alice', 'fail-over');
    await withWorker(env, queue, async () => {
      const first = await start({ runbook: 'fail-over', requestedBy: 'alice', auth }, workflowId);
      assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
      // Temporal accepts the id again once the first run is closed; the signature must not.
      assertRefused(await start({ runbook: 'fail-over', requestedBy: 'alice', auth }, workflowId), /^alice$/, /already used by run .*sign a new start/);
    });
  });

  it('starts an ordinary runbook unsigned, recording the requester as unverified', async () => {
    await withWorker(env, queue, async () => {
      const result = await start({ runbook: 'smoke', requestedBy: 'carol' });
      assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
      assert.equal(result.requestedBy, 'carol (unverified)');
    });
  });

  it('separation of duties: whoever an unsigned start names as requester still may not approve it', async () => {
    await withWorker(env, queue, async () => {
      const handle = await env.client.workflow.start<(i: RunbookInput) => Promise<RunbookResult>>(WORKFLOW_TYPE, {
        taskQueue: queue,
        workflowId: `start-rules-${process.pid}-${++counter}`,
        args: [{ runbook: 'gated', params: {}, requestedBy: 'carol' }],
      });
      await waitForState(handle, (s) => s.pendingApprovals.length === 1);
      const approve = (who: { key: SigningKey }, by: string) => {
        const args: OverrideArgs = { by, stepId: 'gate' };
        return handle.executeUpdate(overrideUpdates.approve, {
          args: [
            {
              ...args,
              auth: signOverride(who.key, 'approve', handle.workflowId, args as unknown as Record<string, unknown>, {
                keyId: by,
                runId: handle.firstExecutionRunId,
              }),
            },
          ],
        });
      };
      await assert.rejects(
        approve(carol, 'carol'),
        (err: unknown) => err instanceof WorkflowUpdateFailedError && /requester of this run and may not approve it/.test(String(err.cause?.message)),
      );
      await approve(dave, 'dave');
      const result = await handle.result();
      assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
      assert.equal(result.requestedBy, 'carol (unverified)');
      assert.equal((await handle.query(stateQuery)).status, 'succeeded');
    });
  });

  it("separation of duties: with start.unverifiedRequester: ignored an unsigned run is nobody's own, so the named person may approve", async () => {
    const exempt = path.join(tmp, 'policy-exempt.yaml');
    fs.writeFileSync(exempt, `${fs.readFileSync(process.env.GENIE_POLICY!, 'utf8')}\nstart:\n  unverifiedRequester: ignored\n`);
    const strict = process.env.GENIE_POLICY;
    process.env.GENIE_POLICY = exempt;
    try {
      await withWorker(env, queue, async () => {
        const handle = await env.client.workflow.start<(i: RunbookInput) => Promise<RunbookResult>>(WORKFLOW_TYPE, {
          taskQueue: queue,
          workflowId: `start-rules-${process.pid}-${++counter}`,
          args: [{ runbook: 'gated', params: {}, requestedBy: 'carol' }],
        });
        await waitForState(handle, (s) => s.pendingApprovals.length === 1);
        const args: OverrideArgs = { by: 'carol', stepId: 'gate' };
        await handle.executeUpdate(overrideUpdates.approve, {
          args: [
            {
              ...args,
              auth: signOverride(carol.key, 'approve', handle.workflowId, args as unknown as Record<string, unknown>, {
                keyId: 'carol',
                runId: handle.firstExecutionRunId,
              }),
            },
          ],
        });
        const result = await handle.result();
        assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
        assert.equal(result.requestedBy, 'carol (unverified)');
      });
    } finally {
      process.env.GENIE_POLICY = strict;
    }
  });

  it('refuses inline definitions when a policy exists and does not allow them', async () => {
    const rb = inlineRunbook([{ id: 'marker', action: 'util.echo', with: {} }]);
    await withWorker(env, queue, async () => {
      assertRefused(await start({ runbook: rb, requestedBy: 'carol' }), /carol \(unverified\)/, /does not allow runs from inline definitions/);
    });
  });

  it('a worker with GENIE_REQUIRE_POLICY=1 and no policy refuses to start, saying why', async () => {
    const { code, output } = await genieInProcess(['worker'], { GENIE_REQUIRE_POLICY: '1', GENIE_POLICY: '' });
    assert.equal(code, 1, output);
    assert.match(output, /GENIE_REQUIRE_POLICY=1 but GENIE_POLICY is unset/);
    assert.doesNotMatch(output, /worker polling/);
  });

  it('a worker without a policy warns loudly at start', async () => {
    // TEMPORAL_ADDRESS points at nothing: the warning comes before any connection, then the worker fails to connect.
    const { output } = await genie(['worker'], { GENIE_POLICY: '', GENIE_REQUIRE_POLICY: '', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.match(output, /WARNING: no access policy \(GENIE_POLICY is unset\)/);
  });
});
