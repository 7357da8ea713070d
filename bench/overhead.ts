/**
 * Interpreter overhead: the same 20 sequential util.echo calls as a YAML runbook through the
 * `runbook` workflow and as a hand-written workflow, on one worker and one server, runs
 * alternating so drift on a shared machine hits both sides alike.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { projectRoot } from '../src/paths';
import { newRunId, startRunbook } from '../src/temporal/runs';
import { bundleGenieWorkflows } from '../src/temporal/bundle';
import { createGenieWorker } from '../src/temporal/worker';
import type { RunbookResult } from '../workflows/api';
import { profileRuns, type RunProfile } from './history-profile';
import { log } from './log';
import { ratio, summarize, type Summary } from './stats';

export const BENCH_RUNBOOK_DIR = path.join(projectRoot, 'bench', 'runbooks');
const TASK_QUEUE = 'bench-overhead';
const STEPS = 20;
/** Histories of this many last runs per side are read back for the profile. */
const PROFILED = 10;

export interface OverheadResult {
  runs: number;
  warmup: number;
  steps: number;
  yaml: Summary;
  handwritten: Summary;
  ratio: { median: number; p95: number };
  target: number;
  withinTarget: boolean;
  profile: { yaml: RunProfile; handwritten: RunProfile };
  errors: string[];
}

export async function interpreterOverhead(env: TestWorkflowEnvironment, runs: number, warmup: number): Promise<OverheadResult> {
  // By name, as operators start runbooks: the worker's loader resolves it from this directory.
  process.env.GENIE_RUNBOOK_DIR = BENCH_RUNBOOK_DIR;
  log('bundling bench/workflows.ts (runbook + handwrittenSequence20)');
  const workflowBundle = await bundleGenieWorkflows(require.resolve('./workflows'));
  const worker = await createGenieWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue: TASK_QUEUE, workflowBundle });
  const errors: string[] = [];

  const yamlRun = async (): Promise<[number, string]> => {
    const t0 = performance.now();
    const handle = await startRunbook(env.client, { runbook: 'bench-sequence-20', requestedBy: 'bench', taskQueue: TASK_QUEUE });
    const result: RunbookResult = await handle.result();
    const ms = performance.now() - t0;
    if (result.status !== 'succeeded' || result.steps.length !== STEPS)
      errors.push(`yaml ${handle.workflowId}: ${result.status}, ${result.steps.length} steps`);
    return [ms, handle.workflowId];
  };
  const handRun = async (): Promise<[number, string]> => {
    const t0 = performance.now();
    const handle = await env.client.workflow.start('handwrittenSequence20', { taskQueue: TASK_QUEUE, workflowId: newRunId('bench-handwritten'), args: [] });
    const result = (await handle.result()) as { status: string; outputs: unknown[] };
    const ms = performance.now() - t0;
    if (result.outputs.length !== STEPS) errors.push(`handwritten ${handle.workflowId}: ${result.outputs.length} outputs`);
    return [ms, handle.workflowId];
  };

  return worker.runUntil(async () => {
    log(`interpreter overhead: warm-up ${warmup}+${warmup}, then ${runs}+${runs} alternating`);
    for (let i = 0; i < warmup; i++) {
      await yamlRun();
      await handRun();
    }
    const yaml: [number, string][] = [];
    const hand: [number, string][] = [];
    for (let i = 0; i < runs; i++) {
      yaml.push(await yamlRun());
      hand.push(await handRun());
      if ((i + 1) % 10 === 0) log(`  ${i + 1}/${runs} pairs`);
    }
    const y = summarize(yaml.map(([ms]) => ms));
    const h = summarize(hand.map(([ms]) => ms));
    log('reading histories for the profile');
    const profile = {
      yaml: await profileRuns(
        env.client,
        yaml.slice(-PROFILED).map(([, id]) => id),
      ),
      handwritten: await profileRuns(
        env.client,
        hand.slice(-PROFILED).map(([, id]) => id),
      ),
    };
    const r = { median: ratio(y.medianMs, h.medianMs), p95: ratio(y.p95Ms, h.p95Ms) };
    return { runs, warmup, steps: STEPS, yaml: y, handwritten: h, ratio: r, target: 1.15, withinTarget: r.median <= 1.15 && r.p95 <= 1.15, profile, errors };
  });
}
