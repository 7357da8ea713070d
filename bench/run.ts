/**
 * `npm run bench`: one dev server, two benchmarks, ONE JSON object on stdout (progress on stderr).
 *   GENIE_BENCH_RUNS            runs per side for interpreter overhead (default 50, after 5 warm-up each)
 *   GENIE_BENCH_WAITING         concurrent waiting runs (default 1000)
 *   GENIE_BENCH_PASSES          waiting-runs passes, by name from PASSES (default "runbook,runbook-default-cache,baseline")
 *   GENIE_BENCH_ONLY            "overhead" or "waiting" to run one part
 */
import { performance } from 'node:perf_hooks';
import { machine } from './machine';
import { log } from './log';
import { interpreterOverhead } from './overhead';
import { SERVER_NOTE, startServer } from './server';
import { waitingRuns, type WaitingPass } from './waiting-runs';

/** Waiting-runs passes. The first one run is the headline; the others explain it. */
const PASSES: Record<string, Omit<WaitingPass, 'label'>> = {
  runbook: { workload: 'runbook', maxCached: 2000 },
  // The SDK sizes its default cache from the heap limit (about 2,300 with a 4 GB heap).
  'runbook-default-cache': { workload: 'runbook', maxCached: 'default' },
  // The same wait written by hand in a bundle without the interpreter: the SDK's floor.
  baseline: { workload: 'baseline', maxCached: 2000 },
  // Experiment: the big stateless libraries evaluated once per worker, not once per cached run.
  'runbook-preload': { workload: 'runbook', maxCached: 2000, preload: ['@sinclair/typebox', 'jsonata'] },
};

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
  const t0 = performance.now();
  const only = process.env.GENIE_BENCH_ONLY;
  const result: Record<string, unknown> = { timestamp: new Date().toISOString(), machine: machine(), server: SERVER_NOTE };
  log('starting the Temporal dev server');
  const env = await startServer();
  try {
    if (only !== 'waiting') {
      result.interpreterOverhead = await part('interpreter overhead', () => interpreterOverhead(env, intEnv('GENIE_BENCH_RUNS', 50), 5));
    }
    if (only !== 'overhead') {
      const count = intEnv('GENIE_BENCH_WAITING', 1000);
      const names = (process.env.GENIE_BENCH_PASSES ?? 'runbook,runbook-default-cache,baseline').split(',').map((n) => n.trim());
      const unknown = names.filter((n) => !PASSES[n]);
      if (unknown.length) throw new Error(`unknown GENIE_BENCH_PASSES ${unknown.join(', ')}; known: ${Object.keys(PASSES).join(', ')}`);
      const passes = [];
      for (const label of names) passes.push(await part(`waiting runs (${label})`, () => waitingRuns(env, count, { label, ...PASSES[label] })));
      result.waitingRuns = passes[0];
      if (passes.length > 1) result.waitingRunsVariants = passes.slice(1);
    }
  } finally {
    log('tearing down the dev server');
    await env.teardown();
  }
  result.wallSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  printed = true;
  clearInterval(keepAlive);
}

// Teardown awaits native handles that do not always keep Node's event loop alive; without this
// the process can drain and exit 0 mid-teardown, before the JSON is printed (seen once).
const keepAlive = setInterval(() => undefined, 60_000);
let printed = false;
process.on('exit', (code) => {
  if (!printed && code === 0) {
    process.stderr.write('bench: exited before printing its result\n');
    process.exitCode = 1;
  }
});

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench failed: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
