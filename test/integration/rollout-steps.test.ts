/**
 * The step kinds rollouts are made of — pause (ended by promote), analysis (foreground and
 * background, inconclusive decisions) — on a real Temporal dev server. Metrics come from a
 * local HTTP server speaking the Prometheus query API: a stand-in, because no Prometheus
 * binary can be installed here; the values it serves are what each test controls.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { overrideUpdates, type OverrideArgs, type OverrideName } from '../../workflows/api';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';
import { inlineRunbook, startInline, waitForState } from '../helpers/runbooks';
import type { Runbook, Step } from '../../src/dsl/types';

/** Serves `values[query]` as a one-sample instant vector; `null` as an empty vector (no data). */
function prometheusStandIn(values: Record<string, number | null | (() => number | null)>) {
  const server = http.createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const entry = values[query];
    const value = typeof entry === 'function' ? entry() : entry;
    const result = value === null || value === undefined ? [] : [{ metric: {}, value: [Date.now() / 1000, String(value)] }];
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  return {
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    start: () => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('interpreter: pause, promote and analysis (real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  const queue = uniqueQueue('rollout-steps');
  let errorRate = 0.01;
  const prom = prometheusStandIn({
    errors: () => errorRate,
    empty: null,
    latency_stable: () => 100 + Math.random(),
    latency_canary: () => 100 + Math.random(),
  });
  before(async () => {
    env = await localEnv();
    await prom.start();
  });
  after(() => prom.stop());

  const send = (h: Awaited<ReturnType<typeof startInline>>, name: OverrideName, args: OverrideArgs) => h.executeUpdate(overrideUpdates[name], { args: [args] });
  async function live(rb: Runbook, fn: (h: Awaited<ReturnType<typeof startInline>>) => Promise<void>) {
    return withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, rb);
      await fn(handle);
      return handle.result();
    });
  }
  const analysis = (extra: Record<string, unknown>, metric: Record<string, unknown> = {}): Step =>
    ({
      id: 'check',
      analysis: {
        provider: 'prometheus',
        address: prom.url(),
        interval: '200ms',
        count: 3,
        metrics: [{ name: 'error-rate', query: 'errors', successCondition: '{% $result < 0.05 %}', ...metric }],
        ...extra,
      },
    }) as Step;

  it('a pause waits until promote and records who promoted; promote is refused when nothing waits', async () => {
    const result = await live(
      inlineRunbook([
        { id: 'hold', pause: { message: 'canary at 20%' } },
        { id: 'after', action: 'util.echo', with: { promoted: '{% $count($run.signals.promote) %}' } },
      ]),
      async (h) => {
        await waitForState(h, (s) => s.steps.some((st) => st.id === 'hold' && st.status === 'waiting'));
        const ack = await send(h, 'promote', { by: 'alice', reason: 'metrics look fine' });
        assert.match(ack.message, /pause ended/);
      },
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.steps.find((s) => s.id === 'hold')?.output, { endedBy: 'promote', by: 'alice', reason: 'metrics look fine' });
    assert.deepEqual(result.steps.find((s) => s.id === 'after')?.output, { promoted: 1 });

    await assert.rejects(
      live(inlineRunbook([{ id: 'work', sleep: '3s' }]), async (h) => {
        await waitForState(h, (s) => s.steps.some((st) => st.id === 'work'));
        await send(h, 'promote', { by: 'alice' });
      }),
      (err: unknown) => err instanceof WorkflowUpdateFailedError && /nothing to promote/.test(String(err.cause?.message)),
    );
  });

  it('a timed pause ends by itself; promote --full makes guarded steps skip', async () => {
    const result = await live(
      inlineRunbook([
        { id: 'short', pause: { duration: '300ms' } },
        { id: 'step1', pause: { duration: '1m' } },
        { id: 'step2', if: '{% $count($run.signals.promote[full]) = 0 %}', pause: { duration: '1m' } },
        { id: 'full', action: 'util.echo', with: {} },
      ]),
      async (h) => {
        await waitForState(h, (s) => s.steps.some((st) => st.id === 'step1' && st.status === 'waiting'));
        await send(h, 'promote', { by: 'bob', full: true });
      },
    );
    assert.equal(result.status, 'succeeded');
    const byId = Object.fromEntries(result.steps.map((s) => [s.id, s]));
    assert.equal((byId.short.output as { endedBy: string }).endedBy, 'timer');
    assert.equal((byId.step1.output as { endedBy: string }).endedBy, 'promote');
    assert.equal(byId.step2.status, 'skipped');
    assert.equal(byId.full.status, 'succeeded');
  });

  it('an analysis within its conditions succeeds with every measurement recorded', async () => {
    errorRate = 0.01;
    const result = await live(inlineRunbook([analysis({})]), async () => undefined);
    assert.equal(result.status, 'succeeded');
    const out = result.steps[0].output as { verdict: string; rounds: number; metrics: { measurements: { value: number; outcome: string }[] }[] };
    assert.equal(out.verdict, 'Successful');
    assert.equal(out.rounds, 3);
    assert.deepEqual(
      out.metrics[0].measurements.map((m) => [m.value, m.outcome]),
      [
        [0.01, 'successful'],
        [0.01, 'successful'],
        [0.01, 'successful'],
      ],
    );
  });

  it('a failing measurement fails the analysis at once (ANALYSIS_FAILED) and onFailure rolls back', async () => {
    errorRate = 0.2;
    const rb = inlineRunbook([analysis({ count: 10 })], { onFailure: [{ id: 'rollback', action: 'util.echo', with: { why: '{% $error.code %}' } }] });
    const result = await live(rb, async () => undefined);
    assert.equal(result.status, 'rolled_back');
    assert.equal(result.error?.code, 'ANALYSIS_FAILED');
    const details = result.steps[0].error?.details as { verdict: string; rounds: number; metrics: { failed: number }[] };
    assert.equal(details.verdict, 'Failed');
    assert.equal(details.rounds, 1, 'stops at the first failure (failureLimit 0)');
    assert.deepEqual(result.steps.find((s) => s.id === 'onFailure.rollback')?.output ?? result.steps.find((s) => s.stepId === 'rollback')?.output, {
      why: 'ANALYSIS_FAILED',
    });
  });

  it('no data is inconclusive, never a pass: the run waits for a decision, and promote accepts it', async () => {
    const result = await live(inlineRunbook([analysis({}, { query: 'empty' }), { id: 'next', action: 'util.echo', with: {} }]), async (h) => {
      const state = await waitForState(h, (s) => s.status === 'waiting_decision');
      assert.match(state.steps[0].note ?? '', /inconclusive/);
      await send(h, 'promote', { by: 'carol', reason: 'quiet hour, accepted' });
    });
    assert.equal(result.status, 'succeeded');
    const out = result.steps[0].output as { verdict: string; acceptedBy: string };
    assert.equal(out.verdict, 'Inconclusive');
    assert.equal(out.acceptedBy, 'carol');
  });

  it('an unanswered inconclusive analysis fails at its timeout by default', async () => {
    const result = await live(inlineRunbook([analysis({ inconclusive: { timeout: '500ms' } }, { query: 'empty' })]), async () => undefined);
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'ANALYSIS_INCONCLUSIVE');
  });

  it('a background analysis fails the steps it watches the moment it fails', async () => {
    errorRate = 0.01;
    const started = Date.now();
    const result = await live(
      inlineRunbook([
        analysis(
          { background: true, count: undefined, interval: '300ms', initialDelay: '600ms' },
          { failureCondition: '{% $result >= 0.05 %}', successCondition: undefined },
        ),
        { id: 'rollout', pause: { duration: '1m' } },
        { id: 'never', action: 'util.echo', with: {} },
      ]),
      async (h) => {
        await waitForState(h, (s) => s.steps.some((st) => st.id === 'rollout' && st.status === 'waiting'));
        errorRate = 0.3;
      },
    );
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'ANALYSIS_FAILED');
    assert.ok(Date.now() - started < 30_000, 'did not wait for the 1 minute pause');
    const byId = Object.fromEntries(result.steps.map((s) => [s.id, s.status]));
    assert.equal(byId.rollout, 'cancelled');
    assert.equal(byId.never, undefined);
  });

  it('a background analysis stops and reports when the steps it watches finish', async () => {
    errorRate = 0.01;
    const result = await live(
      inlineRunbook([analysis({ background: true, count: undefined, interval: '200ms' }), { id: 'rollout', pause: { duration: '1500ms' } }]),
      async () => undefined,
    );
    assert.equal(result.status, 'succeeded');
    const out = result.steps.find((s) => s.id === 'check')?.output as { verdict: string; rounds: number };
    assert.equal(out.verdict, 'Successful');
    assert.ok(out.rounds >= 2, `measured while the rollout ran (${out.rounds} rounds)`);
  });

  it('the judge compares canary with baseline; equal distributions pass', async () => {
    const result = await live(
      inlineRunbook([
        {
          id: 'judged',
          analysis: {
            provider: 'prometheus',
            address: prom.url(),
            interval: '100ms',
            count: 8,
            judge: { baseline: 'stable', canary: 'canary', metrics: [{ name: 'latency', query: 'latency_{{pool}}', direction: 'increase', tolerance: 0.1 }] },
          },
        } as Step,
      ]),
      async () => undefined,
    );
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    const out = result.steps[0].output as { verdict: string; judge: { verdict: string; score: number } };
    assert.equal(out.verdict, 'Successful');
    assert.equal(out.judge.verdict, 'Successful');
  });

  it('finally always runs last, on success and after an emergency stop, and sees how the run went', async () => {
    const cleanup = { finally: [{ id: 'cleanup', action: 'util.echo', with: { status: '{% $status %}', error: '{% $error.message %}' } }] } as Partial<Runbook>;
    const ok = await live(inlineRunbook([{ id: 'work', action: 'util.echo', with: {} }], cleanup), async () => undefined);
    assert.equal(ok.status, 'succeeded');
    assert.deepEqual(ok.steps.find((s) => s.stepId === 'cleanup')?.output, { status: 'succeeded', error: null });

    const stopped = await live(
      inlineRunbook([{ id: 'fault', pause: { duration: '5m' } }], {
        ...cleanup,
        onFailure: [{ id: 'rollback', action: 'util.echo', with: {} }],
      }),
      async (h) => {
        await waitForState(h, (s) => s.steps.some((st) => st.id === 'fault' && st.status === 'waiting'));
        const ack = await send(h, 'emergencyStop', { by: 'oncall', reason: 'customers affected' });
        assert.match(ack.message, /emergency stop/);
      },
    );
    assert.equal(stopped.status, 'aborted');
    assert.match(stopped.error?.message ?? '', /emergency stop by oncall: customers affected/);
    assert.equal(stopped.steps.find((s) => s.stepId === 'rollback')?.status, 'succeeded');
    const last = stopped.steps.at(-1)!;
    assert.equal(last.stepId, 'cleanup', 'finally runs after onFailure');
    assert.equal((last.output as { status: string }).status, 'aborted');
  });
});
