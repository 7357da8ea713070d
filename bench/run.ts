/**
 * `npm run bench`: one dev server, two benchmarks, ONE JSON object on stdout (progress on stderr).
 *   GENIE_BENCH_RUNS            runs per side for interpreter overhead (default 50, after 5 warm-up each)
 *   GENIE_BENCH_WAITING         concurrent waiting runs (default 1000)
 *   GENIE_BENCH_CACHE_VARIANTS  maxCachedWorkflows of each waiting-runs pass (default "2000,default")
 *   GENIE_BENCH_ONLY            "overhead" or "waiting" to run one part
 */
import { performance } from 'node:perf_hooks';
import { machine } from './machine';
import { log } from './log';
import { interpreterOverhead } from './overhead';
import { SERVER_NOTE, startServer } from './server';
import { waitingRuns } from './waiting-runs';

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
      const variants = (process.env.GENIE_BENCH_CACHE_VARIANTS ?? '2000,default').split(',').map((v) => (v.trim() === 'default' ? 'default' : Number(v)));
      const passes = [];
      for (const cache of variants) passes.push(await part(`waiting runs (cache ${cache})`, () => waitingRuns(env, count, cache as number | 'default')));
      // The first pass is the headline; the rest are variants of the worker's cache size.
      result.waitingRuns = passes[0];
      if (passes.length > 1) result.waitingRunsVariants = passes.slice(1);
    }
  } finally {
    log('tearing down the dev server');
    await env.teardown();
  }
  result.wallSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench failed: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
