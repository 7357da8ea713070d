/**
 * The self-healing runbook's operator overrides, sent the way an operator sends them (the
 * genie CLI against a real Temporal dev server): `skip-strategy` leaves a rung out of the
 * ladder, `force-check` ends a backoff wait at once. The backoff is ten minutes, so the
 * next attempt can only come quickly if force-check worked.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { overrideUpdates, type RunState } from '../../workflows/api';
import { freePort } from '../helpers/ports';
import { genie } from '../helpers/processes';
import { startInline, waitForState } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

interface PlanOut {
  action: string;
  strategy?: string;
  reason: string;
  state: { incident?: { skipped: string[]; attempts: { strategy: string; result?: string }[] } };
}

const planOf = (s: RunState) => s.steps.find((x) => x.id === 'monitor.plan')?.output as PlanOut | undefined;
const stepOf = (s: RunState, id: string) => s.steps.find((x) => x.id === id);

describe('self-healing overrides: force-check, skip-strategy, pause/resume (real Temporal, genie CLI)', function () {
  this.timeout(90_000);
  let env: TestWorkflowEnvironment;
  let hooks: http.Server;
  let hooksUrl: string;
  const calls: string[] = [];

  before(async () => {
    env = await localEnv();
    hooks = http.createServer((req, res) => {
      calls.push(req.url ?? '');
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => hooks.close(r)));

  it('skip-strategy leaves a rung out, force-check ends the backoff now, pause holds it; recorded with who and why', async () => {
    const down = await freePort(); // nothing listens: every recovery "fails to recover"
    const queue = uniqueQueue('heal-overrides');
    const cli = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' };
    await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, 'self-healing', {
        params: {
          service: 'heal-overrides',
          watch: '3s',
          verify: '3s',
          backoff: { initial: '10m', factor: 2, max: '30m', resetAfter: '30m' },
          checks: { web: { tcp: { host: '127.0.0.1', port: down }, period: '200ms', timeout: '150ms', failureThreshold: 2 } },
          ladder: {
            first: { webhook: { url: `${hooksUrl}/first` }, maxAttempts: 3 },
            second: { webhook: { url: `${hooksUrl}/second` }, maxAttempts: 3 },
          },
        },
      });
      // Attempt 1 (first) did not recover the service: the monitor backs off for 10 minutes.
      await waitForState(handle, (s) => stepOf(s, 'monitor.backoff')?.status === 'waiting' && /backing off 600000 ms/.test(planOf(s)?.reason ?? ''), 30_000);
      assert.deepEqual(calls, ['/first']);

      const refused = await genie(['skip-strategy', handle.workflowId, '--as', 'alice'], cli);
      assert.notEqual(refused.code, 0, 'skip-strategy without --strategy must be refused');
      assert.match(refused.output, /--strategy/);
      const skipped = await genie(['skip-strategy', handle.workflowId, '--strategy', 'first', '--as', 'alice', '--reason', 'the restart makes it worse'], cli);
      assert.equal(skipped.code, 0, skipped.output);
      assert.deepEqual(calls, ['/first'], 'skip-strategy alone does not end the backoff');

      const forcedAt = Date.now();
      const forced = await genie(['force-check', handle.workflowId, '--as', 'bob', '--reason', 'fixed the config by hand'], cli);
      assert.equal(forced.code, 0, forced.output);
      const state = await waitForState(handle, (s) => (planOf(s)?.state.incident?.attempts ?? []).length >= 2, 30_000);
      assert.ok(Date.now() - forcedAt < 30_000, 'the next attempt came long before the 10-minute backoff ended');
      assert.deepEqual(calls, ['/first', '/second'], 'the skipped rung was left out');
      assert.deepEqual(planOf(state)!.state.incident!.skipped, ['first']);
      assert.deepEqual(
        planOf(state)!.state.incident!.attempts.map((a) => `${a.strategy}:${a.result}`),
        ['first:not-recovered', 'second:not-recovered'],
      );

      const overrides = state.overrides.filter((o) => o.action === 'skipStrategy' || o.action === 'forceCheck');
      assert.deepEqual(
        overrides.map((o) => `${o.action}:${o.by}:${o.reason}:${o.accepted}`),
        ['skipStrategy:alice:the restart makes it worse:true', 'forceCheck:bob:fixed the config by hand:true'],
      );
      assert.equal(overrides[0].strategy, 'first');

      // An unknown strategy is accepted by the run but ignored by the ladder, with the reason in the decision.
      await handle.executeUpdate(overrideUpdates.skipStrategy, { args: [{ by: 'carol', strategy: 'reboot' }] });
      await handle.executeUpdate(overrideUpdates.forceCheck, { args: [{ by: 'carol' }] });
      const after = await waitForState(handle, (s) => /skipStrategy "reboot" by carol ignored/.test(planOf(s)?.reason ?? ''), 30_000);
      assert.match(planOf(after)!.reason, /checked now at the request of carol/);

      // pause holds the monitor at its next step boundary: a force-check ends the backoff, but
      // nothing is probed or tried until resume.
      await waitForState(handle, (s) => stepOf(s, 'monitor.backoff')?.status === 'waiting' && calls.length === 3, 30_000);
      assert.deepEqual(calls, ['/first', '/second', '/second']);
      await handle.executeUpdate(overrideUpdates.pause, { args: [{ by: 'dave', reason: 'hands off during the change' }] });
      await handle.executeUpdate(overrideUpdates.forceCheck, { args: [{ by: 'dave' }] });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(calls.length, 3, 'a paused monitor tried nothing');
      assert.equal((await waitForState(handle, (s) => s.paused)).paused, true);
      await handle.executeUpdate(overrideUpdates.resume, { args: [{ by: 'dave' }] });
      await waitForState(handle, () => calls.length === 4, 30_000);
      assert.deepEqual(calls, ['/first', '/second', '/second', '/second']);
      await handle.executeUpdate(overrideUpdates.abort, { args: [{ by: 'test', reason: 'done' }] });
      assert.equal((await handle.result()).status, 'aborted');
    });
  });
});
