/** `npm run bench:breaker`: the breaker overhead benchmark alone, one JSON object on stdout. */
import { breakerOverhead } from './breaker';

const intEnv = (name: string): number | undefined => {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

breakerOverhead({ calls: intEnv('GENIE_BENCH_BREAKER_CALLS'), rounds: intEnv('GENIE_BENCH_BREAKER_ROUNDS') }).then(
  (result) => process.stdout.write(JSON.stringify(result, null, 2) + '\n'),
  (err) => {
    process.stderr.write(`bench:breaker failed: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
