/** `npm run bench:rollout`: the canary rollback-time benchmark alone, one JSON object on stdout (progress on stderr). */
import { rollbackTime } from './rollout';
import { startServer } from './server';

async function main(): Promise<void> {
  const env = await startServer();
  try {
    const trials = Number(process.env.GENIE_BENCH_ROLLOUT_TRIALS ?? '') || 5;
    process.stdout.write(JSON.stringify(await rollbackTime(env, trials), null, 2) + '\n');
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:rollout failed: ${(err as Error)?.stack ?? err}\n`);
  process.exitCode = 1;
});
