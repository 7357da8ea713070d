/** `npm run bench:router`: the router benchmark alone, one JSON object on stdout (progress on stderr). */
import { routerBenchmark } from './router';

const numberEnv = (name: string): number | undefined => {
  const n = Number(process.env[name] ?? '');
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

routerBenchmark({
  durationS: numberEnv('GENIE_BENCH_ROUTER_SECONDS'),
  throughputS: numberEnv('GENIE_BENCH_ROUTER_THROUGHPUT_SECONDS'),
  concurrency: numberEnv('GENIE_BENCH_ROUTER_CONCURRENCY'),
  rounds: numberEnv('GENIE_BENCH_ROUTER_ROUNDS'),
  throughputRounds: numberEnv('GENIE_BENCH_ROUTER_THROUGHPUT_ROUNDS'),
}).then(
  (result) => process.stdout.write(JSON.stringify(result, null, 2) + '\n'),
  (err) => {
    process.stderr.write(`bench:router failed: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
