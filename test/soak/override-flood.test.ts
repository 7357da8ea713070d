/**
 * A flood of refused overrides (issue 12 §8): anyone who can signal a run can send requests it
 * refuses. Before the log was bounded every one of them stayed in the run's state (the `state`
 * query, the result, what continue-as-new carries), and `by`/`reason` had no length limit, so
 * a flood grew the state past Temporal's payload limits; and every signal started its own
 * authorization check (a local activity), so 10,000 at once made a workflow task that could
 * never complete: the run was stuck. Real dev server and worker.
 */
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { overrideSignals, overrideUpdates, stateQuery } from '../../workflows/api';
import { NAME_CAP, REFUSED_KEPT, TEXT_CAP } from '../../workflows/override-log';
import { inlineRunbook, startInline, waitForState } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

const FLOOD = 10_000;
/**
 * Signals in flight at once. At 200 the server's buffered-event bound (100) force-fails the
 * run's workflow tasks over and over; the worker evicts the run and must replay a history of
 * thousands of signals, slower than the task timeout, and the run stalls until the flood ends
 * and beyond. That is Temporal's own limit: who may signal at all is the server's authorizer's
 * to decide (docs/security.md, security checklist). This test holds Genie's side: bounded state, bounded
 * checks, a healthy run.
 */
const PARALLEL = 20;

describe('security: a flood of refused overrides leaves the run healthy and its state bounded (real Temporal)', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('flood');

  before(async () => {
    env = await localEnv();
  });

  it(`${FLOOD} refused signals with oversized fields: the log keeps the newest ${REFUSED_KEPT}, counts the rest, clips every field; the run still finishes`, async () => {
    await withWorker(env, queue, async () => {
      const h = await startInline(
        env,
        queue,
        inlineRunbook([
          { id: 'gate', approval: {} },
          { id: 'act', action: 'util.echo', with: { done: true } },
        ]),
      );
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      // Over the caps, yet small enough that 10,000 of them stay far from Temporal's history size limit
      // (50 MB: the server terminates a run beyond it, which no workflow code can prevent; see the security checklist in docs/security.md).
      const reason = 'r'.repeat(TEXT_CAP + 500);
      const by = 'b'.repeat(NAME_CAP + 50);
      const started = Date.now();
      // `resume` while not paused: refused, recorded. Sent the way a script against the UI's signal endpoint would.
      for (let sent = 0; sent < FLOOD; sent += PARALLEL) {
        await Promise.all(
          Array.from({ length: Math.min(PARALLEL, FLOOD - sent) }, (_, i) => h.signal(overrideSignals.resume, { by: `${by}${sent + i}`, reason })),
        );
      }
      const state = await waitForState(h, (s) => (s.overridesDropped ?? 0) + s.overrides.length >= FLOOD, 240_000);
      const floodMs = Date.now() - started;
      assert.equal(state.overrides.length, REFUSED_KEPT);
      assert.equal(state.overridesDropped, FLOOD - REFUSED_KEPT);
      // Checked and refused (not paused), or refused unchecked while MAX_PENDING_CHECKS checks were in flight.
      assert.ok(
        state.overrides.every((o) => !o.accepted && /not paused|too many override requests at once/.test(o.refusal ?? '')),
        JSON.stringify(state.overrides.slice(0, 3)),
      );
      assert.ok(
        state.overrides.every((o) => o.by.length <= NAME_CAP + 60 && (o.reason ?? '').length <= TEXT_CAP + 60),
        'fields are clipped',
      );
      assert.match(state.overrides[0].reason!, /… \(500 more characters in history\)$/);
      const stateBytes = Buffer.byteLength(JSON.stringify(await h.query(stateQuery)));
      assert.ok(stateBytes < 512 * 1024, `state is ${stateBytes} bytes after the flood`);
      // Still healthy: an accepted override goes in and the run finishes.
      const ack = await h.executeUpdate(overrideUpdates.approve, { args: [{ by: 'alice', reason: 'after the flood' }] });
      assert.match(ack.message, /approval 1\/1/);
      const result = await h.result();
      assert.equal(result.status, 'succeeded');
      assert.equal(result.overrides.filter((o) => o.accepted).length, 1);
      assert.ok(result.overrides.length <= REFUSED_KEPT + 1);
      console.log(`      ${FLOOD} refused signals absorbed in ${floodMs} ms; state ${Math.round(stateBytes / 1024)} KiB`);
    });
  });
});
