/**
 * The self-healing monitor is a long-running workflow: it must survive its worker dying
 * (SIGKILL, no goodbye) without forgetting where its backoff stood, and it must keep its
 * history bounded by continuing as new with its state. Workers are real `genie worker`
 * processes; the continue-as-new threshold is set small (GENIE_CONTINUE_AS_NEW_EVENTS) so
 * that a few cycles cross it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decodeHistory } from '../../src/temporal/codec/decode-history';
import { retryLostUpdate } from '../../src/temporal/update-retry';
import { overrideUpdates, type RunState } from '../../workflows/api';
import { freePort } from '../helpers/ports';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';
import { startInline, waitForState } from '../helpers/runbooks';
import { localEnv, uniqueQueue } from '../helpers/temporal';

interface PlanOut {
  action: string;
  waitMs: number;
  state: { phase: string; backoffLevel: number; counters: { attempts: number } };
}

/** Small enough that a handful of monitor cycles cross it. */
const CONTINUE_AFTER_EVENTS = 80;
/** A run continues as new between loop cycles, so it may overshoot the threshold by about one cycle. */
const HISTORY_BOUND = CONTINUE_AFTER_EVENTS + 80;

const planOf = (s: RunState) => s.steps.find((x) => x.id === 'monitor.plan')?.output as PlanOut | undefined;

describe('self-healing durability: worker SIGKILL and continue-as-new (real processes)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let stateDir: string;
  let hooks: http.Server;
  let hooksUrl: string;
  let recoveries = 0;
  const workers: Spawned[] = [];
  const queue = uniqueQueue('heal-durability');

  before(async () => {
    env = await localEnv();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-heal-durability-'));
    // The recovery webhook: it answers, but the service stays down, so the ladder keeps backing off.
    hooks = http.createServer((req, res) => {
      recoveries += 1;
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await new Promise((r) => hooks.close(r));
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /**
   * `uncached`: no sticky workflow cache, so after the SIGKILL the server hands the run's next
   * task to the normal queue at once instead of waiting out the dead worker's sticky queue
   * (10 s). The new worker rebuilds the run from history either way, which is what is tested.
   */
  async function startWorker(uncached = false): Promise<Spawned> {
    const w = spawnGenie(['worker'], {
      TEMPORAL_ADDRESS: env.address,
      GENIE_TASK_QUEUE: queue,
      GENIE_STATE_DIR: stateDir,
      GENIE_CONTINUE_AS_NEW_EVENTS: String(CONTINUE_AFTER_EVENTS),
      ...(uncached ? { GENIE_MAX_CACHED_WORKFLOWS: '0' } : {}),
    });
    workers.push(w);
    await waitForOutput(w, /worker polling/);
    return w;
  }

  /** Every run of the workflow, first to last, following the continued-as-new chain. */
  async function runsOf(workflowId: string, firstRunId: string) {
    const { payloadConverter, payloadCodecs } = env.client.options.loadedDataConverter;
    const runs: { runId: string; events: number; plans: PlanOut[] }[] = [];
    for (let runId: string | undefined = firstRunId; runId;) {
      const events: NonNullable<Awaited<ReturnType<ReturnType<typeof env.client.workflow.getHandle>['fetchHistory']>>['events']> =
        (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      const plans: PlanOut[] = [];
      for (const e of await decodeHistory(events, payloadCodecs)) {
        const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
        const out = payload ? payloadConverter.fromPayload<{ output?: PlanOut }>(payload).output : undefined;
        if (out && typeof out.waitMs === 'number' && out.state?.counters) plans.push(out);
      }
      runs.push({ runId, events: events.length, plans });
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return runs;
  }

  it('keeps its backoff across a worker SIGKILL and its history bounded across continue-as-new', async () => {
    const down = await freePort(); // nothing listens: the service stays down
    const first = await startWorker(true);
    const handle = await startInline(env, queue, 'self-healing', {
      params: {
        service: 'heal-durable',
        watch: '3s',
        verify: '3s',
        backoff: { initial: '400ms', factor: 2, max: '1600ms', resetAfter: '1m' },
        limits: { maxAttemptsPerWindow: 100, window: '1h' },
        checks: { web: { tcp: { host: '127.0.0.1', port: down }, period: '200ms', timeout: '150ms', failureThreshold: 2 } },
        ladder: { fix: { webhook: { url: `${hooksUrl}/fix` }, maxAttempts: 100 } },
      },
    });

    // Kill the worker while the monitor sits in its second backoff (800 ms, level 2 next).
    await waitForState(handle, (s) => s.steps.find((x) => x.id === 'monitor.backoff')?.status === 'waiting' && planOf(s)?.waitMs === 800, 60_000);
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    const attemptsAtKill = recoveries;

    await startWorker();
    // Cycles on the new worker until the monitor has continued as new at least twice.
    await waitForState(handle, (s) => (planOf(s)?.state.counters.attempts ?? 0) >= attemptsAtKill + 2, 60_000);
    const seen = new Set([handle.firstExecutionRunId]);
    for (const deadline = Date.now() + 90_000; seen.size < 3;) {
      assert.ok(Date.now() < deadline, `still ${seen.size} run(s) after 90 s`);
      seen.add((await env.client.workflow.getHandle(handle.workflowId).describe()).runId);
      await new Promise((r) => setTimeout(r, 300));
    }
    // Through the CLI's retry: an abort that ends the run can be lost with a rejected workflow task (update-retry.ts).
    try {
      await retryLostUpdate(() => handle.executeUpdate(overrideUpdates.abort, { args: [{ by: 'test', reason: 'done' }] }));
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
      const failedTasks = (history.events ?? []).flatMap((e) =>
        e.workflowTaskFailedEventAttributes ? [`${e.workflowTaskFailedEventAttributes.cause}: ${e.workflowTaskFailedEventAttributes.failure?.message}`] : [],
      );
      throw new Error(
        `abort update failed: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}; failed workflow tasks: ${failedTasks.join('; ') || 'none'}`,
      );
    }
    assert.equal((await handle.result()).status, 'aborted');

    const runs = await runsOf(handle.workflowId, handle.firstExecutionRunId);
    assert.ok(runs.length >= 3, `the monitor should have continued as new at least twice, ran ${runs.length} run(s)`);
    for (const r of runs) assert.ok(r.events <= HISTORY_BOUND, `run ${r.runId} grew to ${r.events} events (bound ${HISTORY_BOUND})`);

    console.log(`      runs: ${runs.length}, events per run: ${runs.map((r) => r.events).join(', ')}`);
    const plans = runs.flatMap((r) => r.plans);
    const waits = plans.filter((p) => p.waitMs > 0).map((p) => p.waitMs);
    // The backoff doubles to its cap and stays there: never back to 400 ms after the kill or a new run.
    const expected = waits.map((_, i) => Math.min(1600, 400 * 2 ** i));
    assert.deepEqual(waits, expected, `backoff waits across the kill and ${runs.length} runs`);
    const attempts = plans.map((p) => p.state.counters.attempts);
    assert.deepEqual(
      attempts,
      [...attempts].sort((a, b) => a - b),
      'the attempt counter never went back',
    );
    // Each recovery ordered was carried out once (the abort may land between the last order and its webhook).
    assert.ok(recoveries <= attempts.at(-1)! && recoveries >= attempts.at(-1)! - 1, `${recoveries} webhook calls for ${attempts.at(-1)} attempts`);
    for (let i = 1; i < runs.length; i++) {
      if (runs[i].plans.length === 0) continue; // aborted before its first decision
      assert.ok(runs[i].plans[0].state.backoffLevel >= runs[i - 1].plans.at(-1)!.state.backoffLevel, `run ${i + 1} lost the backoff level`);
    }
  });
});
