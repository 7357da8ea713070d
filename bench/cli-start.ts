/**
 * `npm run bench:cli`: how long the commands an operator types most take from Enter to exit,
 * beside the `temporal` CLI doing the equivalent, in one run on one machine. Each command is
 * run `GENIE_BENCH_CLI_ROUNDS` times (default 10) after one warm-up (which fills Node's
 * compile cache, as an operator's first command of the day does). One JSON object on stdout:
 * as in bench/run.ts, the measuring runs in a child whose stdout goes to stderr, since the
 * Temporal dev server prints its banner on the stdout it inherits.
 */
import { fork, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../src/paths';
import { startRunbook } from '../src/temporal/runs';
import { log } from './log';
import { startServer, temporalCli, temporalCliVersion } from './server';
import { ratio, summarize } from './stats';

const GENIE = path.join(projectRoot, 'dist', 'src', 'cli', 'main.js');
const ROUNDS = Math.max(1, Number(process.env.GENIE_BENCH_CLI_ROUNDS ?? '') || 10);

function timed(file: string, args: string[], env: NodeJS.ProcessEnv): number[] {
  const samples: number[] = [];
  for (let i = 0; i <= ROUNDS; i++) {
    const started = performance.now();
    const out = spawnSync(file, args, { env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (out.status !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')} exited ${out.status}: ${out.stderr.slice(0, 400)}`);
    if (i > 0) samples.push(ms);
  }
  return samples;
}

async function measure(): Promise<Record<string, unknown>> {
  const server = await startServer();
  try {
    const address = server.address;
    const env = { ...process.env, TEMPORAL_ADDRESS: address, GENIE_ENCRYPTION: 'off' };
    // A closed run to describe (nothing runs it: status reads what the server holds).
    const handle = await startRunbook(server.client, {
      runbook: 'hello',
      params: {},
      requestedBy: 'bench',
      taskQueue: 'bench-cli-start',
      searchAttributes: true,
    });
    await handle.terminate('bench: only its description is read');
    const pairs = {
      help: { genie: [GENIE, '--help'], temporal: [temporalCli(), '--help'] },
      status: {
        genie: [GENIE, 'status', handle.workflowId],
        temporal: [temporalCli(), 'workflow', 'describe', '--address', address, '--workflow-id', handle.workflowId],
      },
      validate: { genie: [GENIE, 'validate', path.join(projectRoot, 'runbooks', 'hello.yaml')] },
    } as const;
    const result: Record<string, unknown> = {};
    for (const [name, pair] of Object.entries(pairs)) {
      log(`bench:cli ${name}`);
      const genie = summarize(timed(process.execPath, pair.genie as unknown as string[], env));
      const entry: Record<string, unknown> = { genie };
      if ('temporal' in pair) {
        const [file, ...args] = pair.temporal;
        const temporal = summarize(timed(file, [...args], env));
        entry.temporal = temporal;
        entry.genieOverTemporal = ratio(genie.medianMs, temporal.medianMs);
      }
      result[name] = entry;
    }
    return {
      rounds: ROUNDS,
      node: process.version,
      temporalCli: temporalCliVersion(),
      targetMs: 300,
      note: 'wall time from spawn to exit, median/p95 over rounds after one warm-up; status reads a terminated run from a local dev server',
      ...result,
    };
  } finally {
    await server.teardown();
  }
}

if (process.send) {
  measure().then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (err) => {
      process.stderr.write(`bench:cli failed: ${(err as Error)?.stack ?? err}\n`);
      process.exit(1);
    },
  );
} else {
  const child = fork(__filename, [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: [] });
  let result: unknown;
  child.on('message', (m: { type?: string; result?: unknown }) => {
    if (m?.type === 'result') result = m.result;
  });
  child.on('exit', (code) => {
    if (result === undefined) process.exit(code || 1);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  });
}
