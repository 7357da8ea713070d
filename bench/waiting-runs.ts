/**
 * Waiting runs: N concurrent runs parked on an approval, held by ONE worker in its own
 * process. Measures the worker's RSS idle, with all N waiting, and after all are approved
 * and complete; and how long getting them all waiting and completing them takes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleGenieWorkflows } from '../src/temporal/bundle';
import { startRunbook } from '../src/temporal/runs';
import { overrideUpdates, stateQuery, type RunbookResult } from '../workflows/api';
import { RunbookName, RunbookStatus } from '../workflows/search-attributes';
import { mapLimit } from './concurrency';
import { log } from './log';
import { BENCH_RUNBOOK_DIR } from './overhead';
import { startWorkerChild } from './worker-child';
import type { WorkerMemory } from './worker-process';

const RUNBOOK = 'bench-approval-wait';
const BASELINE = 'bench-baseline-approval-wait';

/** One pass: which workload, on a worker with which cache size. */
export interface WaitingPass {
  label: string;
  workload: 'runbook' | 'baseline';
  maxCached: number | 'default';
}
/** Client calls in flight at once (starts, approvals, result waits). */
const CONCURRENCY = 50;
/** A phase that takes longer than this is reported as stuck rather than waited on forever. */
const PHASE_TIMEOUT_MS = 180_000;
const SAMPLE = 25;

export interface WaitingRunsResult {
  pass: string;
  workload: WaitingPass['workload'];
  count: number;
  maxCachedWorkflows: number | 'default';
  effectiveMaxCachedWorkflows: number;
  workerRssMb: { idle: number; allWaiting: number; afterCompletion: number; peak: number };
  workerHeapUsedMb: { idle: number; allWaiting: number; afterCompletion: number };
  cachedWorkflowsWhenAllWaiting: number;
  secondsToStartAll: number;
  secondsToAllWaiting: number;
  secondsToApproveAll: number;
  secondsToCompleteAll: number;
  completed: Record<string, number>;
  sampleStateCheck: string;
  target: number;
  withinTarget: boolean;
  errors: string[];
}

const seconds = (from: number): number => Number(((performance.now() - from) / 1000).toFixed(2));

/** Counts errors by message so 1,000 identical failures read as one line. */
function errorLog(): { add(where: string, err: unknown): void; list(): string[] } {
  const seen = new Map<string, number>();
  return {
    add: (where, err) => {
      const key = `${where}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    },
    list: () => [...seen].map(([k, n]) => `${n}× ${k}`),
  };
}

async function withDeadline<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${PHASE_TIMEOUT_MS / 1000}s`)), PHASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The baseline's bundle, built here so its worker, like Genie's, starts from a prebuilt file. */
async function baselineBundleFile(): Promise<string> {
  const file = path.join(os.tmpdir(), `genie-bench-baseline-${process.pid}.js`);
  fs.writeFileSync(file, (await bundleGenieWorkflows(require.resolve('./baseline-workflows'))).code);
  return file;
}

export async function waitingRuns(env: TestWorkflowEnvironment, count: number, pass: WaitingPass): Promise<WaitingRunsResult> {
  const { label, maxCached } = pass;
  const taskQueue = `bench-waiting-${label}`;
  const name = pass.workload === 'runbook' ? RUNBOOK : BASELINE;
  const errors = errorLog();
  log(`waiting runs (${label}): forking the worker process`);
  const child = await startWorkerChild({
    GENIE_BENCH_ADDRESS: env.address,
    GENIE_BENCH_NAMESPACE: env.namespace ?? 'default',
    GENIE_BENCH_TASK_QUEUE: taskQueue,
    GENIE_BENCH_MAX_CACHED: String(maxCached),
    GENIE_RUNBOOK_DIR: BENCH_RUNBOOK_DIR,
    GENIE_BENCH_BUNDLE: pass.workload === 'baseline' ? await baselineBundleFile() : '',
  });
  const start = (workflowId: string): Promise<unknown> =>
    pass.workload === 'runbook'
      ? startRunbook(env.client, { runbook: RUNBOOK, requestedBy: 'bench', taskQueue, workflowId })
      : env.client.workflow.start('baselineApprovalWait', {
          taskQueue,
          workflowId,
          args: [],
          typedSearchAttributes: [
            { key: RunbookName, value: BASELINE },
            { key: RunbookStatus, value: 'queued' },
          ],
        });
  // Peak RSS between the snapshots, sampled once a second.
  let peak = 0;
  const sampler = setInterval(
    () =>
      void child.memory().then(
        (m) => {
          peak = Math.max(peak, m.rssMb);
        },
        () => undefined,
      ),
    1000,
  );
  try {
    await sleep(2000); // let the freshly started worker settle before calling it idle
    const idle = await child.memory();
    log(`  idle worker RSS ${idle.rssMb} MB (maxCachedWorkflows ${idle.maxCachedWorkflows}); starting ${count} runs`);

    const t0 = performance.now();
    const ids = Array.from({ length: count }, (_, i) => `bench-wait-${label}-${i}`);
    await withDeadline(
      'starting the runs',
      mapLimit(ids, CONCURRENCY, (workflowId) => start(workflowId).catch((e) => errors.add('start', e))),
    );
    const secondsToStartAll = seconds(t0);
    log(`  all started in ${secondsToStartAll}s; waiting for RunbookStatus = 'waiting_approval' on all`);

    // Visibility is eventually consistent, so this can only overstate the time, never understate it.
    const waitingQuery = `RunbookName = '${name}' AND RunbookStatus = 'waiting_approval' AND TaskQueue = '${taskQueue}'`;
    let waiting = 0;
    await withDeadline(
      'all runs waiting for approval',
      (async () => {
        while ((waiting = (await env.client.workflow.count(waitingQuery)).count) < count) await sleep(250);
      })(),
    ).catch((e) => errors.add(`waiting (${waiting}/${count} seen)`, e));
    const secondsToAllWaiting = seconds(t0);
    const allWaiting = await child.memory();
    const sampleStateCheck = await checkSample(env, ids, errors);
    log(`  ${waiting} waiting after ${secondsToAllWaiting}s; worker RSS ${allWaiting.rssMb} MB, ${allWaiting.cachedWorkflows} cached; ${sampleStateCheck}`);

    const t1 = performance.now();
    await withDeadline(
      'approving all runs',
      mapLimit(ids, CONCURRENCY, (id) =>
        env.client.workflow
          .getHandle(id)
          .executeUpdate(overrideUpdates.approve, { args: [{ by: 'bench', reason: 'bench' }] })
          .catch((e) => errors.add('approve', e)),
      ),
    );
    const secondsToApproveAll = seconds(t1);
    log(`  all approvals accepted in ${secondsToApproveAll}s; waiting for results`);
    const completed: Record<string, number> = {};
    await withDeadline(
      'completing all runs',
      mapLimit(ids, CONCURRENCY * 2, async (id) => {
        const status = await env.client.workflow
          .getHandle<() => Promise<RunbookResult>>(id)
          .result()
          .then(
            (r) => r.status,
            (e) => {
              errors.add('result', e);
              return 'error';
            },
          );
        completed[status] = (completed[status] ?? 0) + 1;
      }),
    ).catch((e) => errors.add('complete', e));
    const secondsToCompleteAll = seconds(t1);
    await sleep(1000);
    const after = await child.memory();
    log(`  completed ${JSON.stringify(completed)} ${secondsToCompleteAll}s after the first approval; worker RSS ${after.rssMb} MB`);
    peak = Math.max(peak, idle.rssMb, allWaiting.rssMb, after.rssMb);
    return {
      pass: label,
      workload: pass.workload,
      count,
      maxCachedWorkflows: maxCached,
      effectiveMaxCachedWorkflows: idle.maxCachedWorkflows,
      workerRssMb: { idle: idle.rssMb, allWaiting: allWaiting.rssMb, afterCompletion: after.rssMb, peak },
      workerHeapUsedMb: { idle: idle.heapUsedMb, allWaiting: allWaiting.heapUsedMb, afterCompletion: after.heapUsedMb },
      cachedWorkflowsWhenAllWaiting: allWaiting.cachedWorkflows,
      secondsToStartAll,
      secondsToAllWaiting,
      secondsToApproveAll,
      secondsToCompleteAll,
      completed,
      sampleStateCheck,
      target: 400,
      withinTarget: peak <= 400,
      errors: errors.list(),
    };
  } finally {
    clearInterval(sampler);
    await child.stop();
    log(`  worker process ${child.pid} stopped`);
  }
}

/** Visibility said "waiting"; the runs' own `state` query must agree on a sample. */
async function checkSample(env: TestWorkflowEnvironment, ids: string[], errors: ReturnType<typeof errorLog>): Promise<string> {
  const step = Math.max(1, Math.floor(ids.length / SAMPLE));
  const sample = ids.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  let ok = 0;
  await mapLimit(sample, 10, async (id) => {
    try {
      const s = await env.client.workflow.getHandle(id).query(stateQuery);
      if (s.status === 'waiting_approval' && s.pendingApprovals.length === 1) ok++;
      else errors.add('state', new Error(`${id} is ${s.status} with ${s.pendingApprovals.length} pending approvals`));
    } catch (e) {
      errors.add('state query', e);
    }
  });
  return `${ok}/${sample.length} sampled runs report waiting_approval via the state query`;
}
