/**
 * Authorized overrides on a real Temporal dev server: with an access policy (GENIE_POLICY)
 * the workers refuse unsigned, wrongly signed, expired, replayed and unauthorized overrides,
 * record every refusal (who tried what, why) in the run's override log and history, accept
 * properly signed ones, and apply the same rules to breaker overrides and to the real CLI.
 */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { genieDataConverter } from '../../src/temporal/data-converter';
import { rawPublicKey } from '../../src/policy/keys';
import { signOverride, type SigningKey } from '../../src/policy/sign';
import { BreakerOverrideRefusedError, breakersRunId, forceBreaker } from '../../src/resilience/overrides-client';
import { decodeHistory } from '../../src/temporal/codec/decode-history';
import { overrideSignals, overrideUpdates, type OverrideArgs, type OverrideName } from '../../workflows/api';
import { BREAKERS_WORKFLOW_TYPE, breakersWorkflowId, type BreakersInput } from '../../workflows/breakers-api';
import { firstRunId } from '../../src/temporal/first-run-id';
import { genie } from '../helpers/processes';
import { inlineRunbook, startInline, waitForState } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker, workflowBundle } from '../helpers/temporal';

type Handle = Awaited<ReturnType<typeof startInline>>;
const ed = (): { key: SigningKey; pub: string } => {
  const pair = crypto.generateKeyPairSync('ed25519');
  return { key: { alg: 'ed25519', key: pair.privateKey }, pub: rawPublicKey(pair.publicKey) };
};

describe('access policy: authorized overrides (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let tmp: string;
  let erinKeyFile: string;
  const queue = uniqueQueue('policy');
  const alice = ed();
  const dana = ed();
  const mallory = ed();
  const previousPolicy = process.env.GENIE_POLICY;
  let policyPath = '';

  before(async () => {
    env = await localEnv();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-policy-'));
    // A key made the way an operator makes one: the real `genie keygen`.
    erinKeyFile = path.join(tmp, 'erin.key');
    const made = await genie(['keygen', '--as', 'erin', '--out', erinKeyFile]);
    assert.equal(made.code, 0, made.output);
    assert.equal(fs.statSync(erinKeyFile).mode & 0o777, 0o600);
    const erinPub = /publicKey: (\S+)/.exec(made.output)![1];
    const file = path.join(tmp, 'policy.yaml');
    fs.writeFileSync(
      file,
      [
        'identities:',
        `  alice: { publicKey: "${alice.pub}", roles: [sre] }`,
        `  erin: { publicKey: "${erinPub}", roles: [sre] }`,
        `  dana: { publicKey: "${dana.pub}", roles: [canary-operator] }`,
        'roles:',
        '  sre:',
        '    - { actions: [approve, reject, abort, pause, resume], kinds: [generic] }',
        '    - { actions: [breaker.force], names: ["https://*.internal"] }',
        '  canary-operator:',
        '    - { actions: [approve, promote], kinds: [canary] }',
        'unsigned: { resume: false }',
        // These tests start inline runbooks unsigned; start rules are covered in test/security/start-rules.test.ts.
        'start: { inline: true }',
      ].join('\n'),
    );
    process.env.GENIE_POLICY = policyPath = file;
  });
  after(() => {
    if (previousPolicy === undefined) delete process.env.GENIE_POLICY;
    else process.env.GENIE_POLICY = previousPolicy;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const gated = () =>
    inlineRunbook([
      { id: 'gate', approval: {} },
      { id: 'act', action: 'util.echo', with: { done: true } },
    ]);
  const signed = (h: Handle, who: { key: SigningKey }, name: string, args: OverrideArgs, opts: { keyId?: string; now?: Date } = {}): OverrideArgs => ({
    ...args,
    auth: signOverride(who.key, name, h.workflowId, args as unknown as Record<string, unknown>, {
      keyId: opts.keyId ?? args.by,
      runId: h.firstExecutionRunId,
      ...(opts.now ? { now: opts.now } : {}),
    }),
  });
  const send = (h: Handle, name: OverrideName, args: OverrideArgs) => h.executeUpdate(overrideUpdates[name], { args: [args] });
  async function refused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
      assert.match(String(err.cause?.message), pattern);
      return true;
    });
  }

  it('refuses unsigned, bad, expired, replayed, unknown and unauthorized requests; accepts a signed one; records every refusal', async () => {
    const { result, handle } = await withWorker(env, queue, async () => {
      const h = await startInline(env, queue, gated());
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await refused(
        send(h, 'approve', { by: 'alice', reason: 'lgtm' }),
        /alice may not approve runbook test-\d+ \(kind generic\): unsigned requests are not allowed for approve/,
      );
      await refused(send(h, 'approve', signed(h, mallory, 'approve', { by: 'alice' }, { keyId: 'alice' })), /bad signature/);
      const tampered = signed(h, alice, 'approve', { by: 'alice', reason: 'lgtm' });
      await refused(send(h, 'approve', { ...tampered, reason: 'changed after signing' }), /bad signature/);
      await refused(
        send(h, 'approve', signed(h, alice, 'approve', { by: 'alice' }, { now: new Date(Date.now() - 10 * 60_000) })),
        /expired: signed 6\d\ds ago/,
      );
      await refused(send(h, 'approve', signed(h, mallory, 'approve', { by: 'mallory' })), /unknown identity "mallory"/);
      await refused(
        send(h, 'approve', signed(h, dana, 'approve', { by: 'dana' })),
        /no role of dana \(canary-operator\) allows approve on runbook test-\d+ \(kind generic\)/,
      );
      // Signed pause and resume, then the same signed pause sent again: a replay.
      const pause = signed(h, alice, 'pause', { by: 'alice', reason: 'look first' });
      await send(h, 'pause', pause);
      await refused(send(h, 'resume', { by: 'alice' }), /unsigned requests are not allowed for resume/);
      await send(h, 'resume', signed(h, alice, 'resume', { by: 'alice' }));
      await refused(send(h, 'pause', pause), /nonce [0-9a-f]+ was already used in this run/);
      // The Temporal UI's signal form sends unsigned signals: refused for approve, and recorded.
      await h.signal(overrideSignals.approve, { by: 'alice', reason: 'from the UI' });
      const state = await waitForState(h, (s) => s.overrides.some((o) => o.via === 'signal'));
      assert.equal(state.pendingApprovals.length, 1, 'the unsigned signal approved');
      const ack = await send(h, 'approve', signed(h, alice, 'approve', { by: 'alice', reason: 'checked the dashboards' }));
      assert.match(ack.message, /approval 1\/1/);
      return { result: await h.result(), handle: h };
    });
    assert.equal(result.status, 'succeeded');
    const log = result.overrides.map((o) => `${o.via} ${o.action} ${o.by} ${o.accepted ? 'accepted' : `refused: ${o.refusal}`}`);
    const expected = [
      /^update approve alice refused: .*unsigned/,
      /^update approve alice refused: .*bad signature/,
      /^update approve alice refused: .*bad signature/,
      /^update approve alice refused: .*expired/,
      /^update approve mallory refused: .*unknown identity/,
      /^update approve dana refused: .*no role of dana/,
      /^update pause alice accepted$/,
      /^update resume alice refused: .*unsigned/,
      /^update resume alice accepted$/,
      /^update pause alice refused: .*already used/,
      /^signal approve alice refused: .*unsigned signals \(such as the Temporal UI's signal form\)/,
      /^update approve alice accepted$/,
    ];
    assert.equal(log.length, expected.length, log.join('\n'));
    expected.forEach((pattern, i) => assert.match(log[i], pattern));

    // History: each refused update completed with its refusal, who and why in the request.
    const { payloadCodecs, payloadConverter } = env.client.options.loadedDataConverter;
    const events = await decodeHistory((await handle.fetchHistory()).events ?? [], payloadCodecs);
    const failures = events.map((e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure?.message).filter(Boolean);
    assert.equal(failures.length, 8, failures.join('\n'));
    assert.match(failures.join('\n'), /dana may not approve/);
    const accepted = events
      .filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
      .map((e) => payloadConverter.fromPayload(e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]) as OverrideArgs);
    assert.ok(
      accepted.some((a) => a.by === 'mallory' && a.auth?.keyId === 'mallory'),
      'the attempt by mallory is in history',
    );

    // The decisions are recorded (local-activity markers): the run replays without re-reading the policy.
    delete process.env.GENIE_POLICY;
    try {
      const dataConverter = genieDataConverter();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), ...(dataConverter ? { dataConverter } : {}) }, await handle.fetchHistory());
    } finally {
      process.env.GENIE_POLICY = policyPath;
    }
  });

  it('an unsigned UI signal goes through only where the policy allows unsigned (pause: yes, resume: no)', async () => {
    await withWorker(env, queue, async () => {
      const h = await startInline(env, queue, gated());
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await h.signal(overrideSignals.pause, { by: 'ui-user', reason: 'hold on' });
      await waitForState(h, (s) => s.paused && s.overrides.length === 1);
      await h.signal(overrideSignals.resume, { by: 'ui-user' });
      const state = await waitForState(h, (s) => s.overrides.length === 2);
      assert.equal(state.paused, true, 'the unsigned resume was applied');
      assert.deepEqual(
        state.overrides.map((o) => [o.action, o.via, o.accepted]),
        [
          ['pause', 'signal', true],
          ['resume', 'signal', false],
        ],
      );
      assert.match(String(state.overrides[1].refusal), /ui-user may not resume .*unsigned signals/);
      await h.terminate('test done');
    });
  });

  it('a signature is good for one run: the same request is refused in a later run that reuses the workflow id', async () => {
    await withWorker(env, queue, async () => {
      const workflowId = `reused-${Date.now()}`;
      const first = await startInline(env, queue, gated(), { workflowId });
      await waitForState(first, (s) => s.pendingApprovals.length === 1);
      // What the CLI signs with: the run id describe reports for this workflow id now.
      assert.equal(await firstRunId(env.client, workflowId), first.firstExecutionRunId);
      const approval = signed(first, alice, 'approve', { by: 'alice', reason: 'for the first run' });
      await first.terminate('replaced by a second run');
      const second = await startInline(env, queue, gated(), { workflowId });
      await waitForState(second, (s) => s.pendingApprovals.length === 1);
      assert.notEqual(second.firstExecutionRunId, first.firstExecutionRunId);
      await refused(
        send(second, 'approve', approval),
        new RegExp(`signed for run ${first.firstExecutionRunId} of ${workflowId}, and this is run ${second.firstExecutionRunId}`),
      );
      const ack = await send(second, 'approve', signed(second, alice, 'approve', { by: 'alice', reason: 'for this run' }));
      assert.match(ack.message, /approval 1\/1/);
      assert.equal((await second.result()).status, 'succeeded');
    });
  });

  it('breaker overrides are breaker.force under the same policy', async () => {
    const breakerArgs = (name: string) => ({ name, state: 'open' as const, by: 'alice', reason: 'provider incident' });
    await withWorker(env, queue, async () => {
      const runId = await breakersRunId(env.client, queue);
      const sign = (args: ReturnType<typeof breakerArgs>) => ({
        ...args,
        auth: signOverride(alice.key, 'breaker.force', breakersWorkflowId(queue), args, { keyId: 'alice', runId }),
      });
      await assert.rejects(
        forceBreaker(env.client, queue, breakerArgs('https://payments.internal')),
        (e: unknown) => e instanceof BreakerOverrideRefusedError && /unsigned requests are not allowed for breaker.force/.test(e.message),
      );
      await assert.rejects(
        forceBreaker(env.client, queue, sign(breakerArgs('https://api.example.com'))),
        /no role of alice \(sre\) allows breaker.force on breaker https:\/\/api.example.com/,
      );
      const ack = await forceBreaker(env.client, queue, sign(breakerArgs('https://payments.internal')));
      assert.equal(ack.changed, true);
      await env.client.workflow.getHandle(breakersWorkflowId(queue)).terminate('test done');
    });
  });

  it('a signed breaker request stays single-use after the breakers workflow continues as new', async () => {
    const canQueue = uniqueQueue('policy-can');
    const handle = await env.client.workflow.start(BREAKERS_WORKFLOW_TYPE, {
      workflowId: breakersWorkflowId(canQueue),
      taskQueue: canQueue,
      args: [{ continueAsNewAfterEvents: 20 } satisfies BreakersInput],
    });
    const runId = handle.firstExecutionRunId;
    const sign = (i: number) => {
      const args = { name: `https://h${i}.internal`, state: 'open' as const, by: 'alice', reason: `r${i}` };
      return { ...args, auth: signOverride(alice.key, 'breaker.force', breakersWorkflowId(canQueue), args, { keyId: 'alice', runId }) };
    };
    await withWorker(env, canQueue, async () => {
      const first = sign(0);
      assert.equal((await forceBreaker(env.client, canQueue, first)).changed, true);
      for (let i = 1; (await handle.describe()).runId === runId; i++) {
        assert.ok(i < 30, 'the breakers workflow never continued as new');
        await forceBreaker(env.client, canQueue, sign(i));
      }
      await assert.rejects(forceBreaker(env.client, canQueue, first), /nonce [0-9a-f]+ was already used in this run/);
      await handle.terminate('test done');
    });
  });

  it('the CLI signs with --key (genie keygen), and an unsigned abort is refused', async () => {
    const cli = { TEMPORAL_ADDRESS: env.address, GENIE_TASK_QUEUE: queue };
    await withWorker(env, queue, async () => {
      const h = await startInline(env, queue, gated());
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      const unsigned = await genie(['abort', h.workflowId, '--as', 'erin', '--reason', 'oops'], cli);
      assert.equal(unsigned.code, 1, unsigned.output);
      assert.match(unsigned.output, /abort refused: erin may not abort .*unsigned requests are not allowed/);
      assert.doesNotMatch(unsigned.output, /no access policy/, 'the CLI has GENIE_POLICY: no notice');
      const approved = await genie(['approve', h.workflowId, '--as', 'erin', '--key', erinKeyFile, '--comment', 'ship it'], cli);
      assert.equal(approved.code, 0, approved.output);
      assert.match(approved.output, /approve accepted: approval 1\/1/);
      assert.equal((await h.result()).status, 'succeeded');
    });
  });

  it("the CLI's no-policy notice follows the run's worker, not the CLI's environment", async () => {
    const cli = { TEMPORAL_ADDRESS: env.address, GENIE_TASK_QUEUE: queue };
    const notice = 'no access policy (GENIE_POLICY); overrides are not authorized';
    await withWorker(env, queue, async () => {
      const h = await startInline(env, queue, gated());
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      // The worker enforces a policy: no notice even though this CLI has no GENIE_POLICY (resume unsigned is refused, harmlessly).
      const enforced = await genie(['resume', h.workflowId, '--as', 'erin'], { ...cli, GENIE_POLICY: '' });
      assert.doesNotMatch(enforced.output, /no access policy/, enforced.output);
      await h.terminate('test done');
    });
    delete process.env.GENIE_POLICY;
    try {
      await withWorker(env, queue, async () => {
        const h = await startInline(env, queue, gated());
        await waitForState(h, (s) => s.pendingApprovals.length === 1);
        // The worker has none: the notice, once, even though this CLI's environment names a policy.
        const open = await genie(['pause', h.workflowId, '--as', 'erin'], { ...cli, GENIE_POLICY: policyPath });
        assert.equal(open.output.split(notice).length, 2, open.output);
        await h.terminate('test done');
      });
    } finally {
      process.env.GENIE_POLICY = policyPath;
    }
  });
});
