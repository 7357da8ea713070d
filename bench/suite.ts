/**
 * The benchmarks themselves, run by bench/run.ts in a child process whose stdout is stderr
 * (the dev server inherits stdout and prints its banner there); the result goes back over IPC.
 * One dev server, two benchmarks:
 *   GENIE_BENCH_RUNS            runs per side for interpreter overhead (default 50, after 5 warm-up each)
 *   GENIE_BENCH_WAITING         concurrent waiting runs (default 1000)
 *   GENIE_BENCH_PASSES          waiting-runs passes, by name from PASSES (default DEFAULT_PASSES; also runbook-cache-250)
 *   GENIE_BENCH_ONLY            "overhead" or "waiting" to run one part (the audit and tracing benches run only when neither is set)
 *   GENIE_BENCH_ROLLOUT_TRIALS  bad-canary rollouts timed to full rollback (default 5; alone: npm run bench:rollout)
 *   GENIE_BENCH_TRACING_RUNS    runbook runs per side for tracing off vs on (default 30; alone: node dist/bench/tracing.js)
 *   GENIE_BENCH_MTTR_CRASHES    crashes per failureThreshold for the self-healing MTTR (default 5 here; alone: npm run bench:mttr)
 */
import { performance } from 'node:perf_hooks';
import { machine } from './machine';
import { log } from './log';
import { auditExportVerify } from './audit';
import { mttrBenchmark } from './mttr';
import { interpreterOverhead } from './overhead';
import { SERVER_NOTE, startServer } from './server';
import { rollbackTime } from './rollout';
import { tracingOverhead } from './tracing';
import { waitingRuns, type WaitingPass } from './waiting-runs';

/** Waiting-runs passes. The first one run is the headline; the others explain it. */
const PASSES: Record<string, Omit<WaitingPass, 'label'>> = {
  runbook: { workload: 'runbook', maxCached: 2000 },
  // The SDK sizes its default cache from the heap limit (about 2,300 with a 4 GB heap).
  'runbook-default-cache': { workload: 'runbook', maxCached: 'default' },
  // The same wait written by hand in a bundle without the interpreter: the SDK's floor.
  baseline: { workload: 'baseline', maxCached: 2000 },
  // A cache smaller than the waiting set: evicted runs are replayed when approved.
  'runbook-cache-250': { workload: 'runbook', maxCached: 250 },
  'runbook-cache-100': { workload: 'runbook', maxCached: 100 },
};
const DEFAULT_PASSES = 'runbook,runbook-cache-250,baseline';

const intEnv = (name: string, fallback: number): number => {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** A part that throws is reported in the JSON, so one failure does not hide the other's numbers. */
async function part<T>(name: string, fn: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await fn();
  } catch (err) {
    log(`${name} failed: ${(err as Error)?.stack ?? err}`);
    return { error: String((err as Error)?.message ?? err) };
  }
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/suite runs under bench/run.ts (npm run bench), which prints its result');
  const t0 = performance.now();
  const only = process.env.GENIE_BENCH_ONLY;
  const result: Record<string, unknown> = { timestamp: new Date().toISOString(), machine: machine(), server: SERVER_NOTE };
  if (only !== 'overhead' && only !== 'waiting') {
    log('audit export + verify of a 10,000-event history');
    result.auditExportVerify = await part('audit export + verify', async () => auditExportVerify());
  }
  log('starting the Temporal dev server');
  const env = await startServer();
  try {
    if (only !== 'waiting') {
      result.interpreterOverhead = await part('interpreter overhead', () => interpreterOverhead(env, intEnv('GENIE_BENCH_RUNS', 50), 5));
    }
    if (only !== 'overhead') {
      const count = intEnv('GENIE_BENCH_WAITING', 1000);
      const names = (process.env.GENIE_BENCH_PASSES ?? DEFAULT_PASSES).split(',').map((n) => n.trim());
      const unknown = names.filter((n) => !PASSES[n]);
      if (unknown.length) throw new Error(`unknown GENIE_BENCH_PASSES ${unknown.join(', ')}; known: ${Object.keys(PASSES).join(', ')}`);
      const passes = [];
      for (const label of names) passes.push(await part(`waiting runs (${label})`, () => waitingRuns(env, count, { label, ...PASSES[label] })));
      result.waitingRuns = passes[0];
      if (passes.length > 1) result.waitingRunsVariants = passes.slice(1);
    }
    if (!only) result.tracingOverhead = await part('tracing overhead', () => tracingOverhead(env, intEnv('GENIE_BENCH_TRACING_RUNS', 30)));
    if (!only) result.canaryRollback = await part('canary rollback time', () => rollbackTime(env, intEnv('GENIE_BENCH_ROLLOUT_TRIALS', 5)));
    if (!only) result.selfHealingMttr = await part('self-healing MTTR', () => mttrBenchmark(env, { crashes: intEnv('GENIE_BENCH_MTTR_CRASHES', 5) }));
  } finally {
    log('tearing down the dev server');
    await env.teardown();
  }
  result.wallSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  await new Promise<void>((resolve, reject) => process.send!({ type: 'result', result }, (err: Error | null) => (err ? reject(err) : resolve())));
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench failed: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
