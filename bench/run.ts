/**
 * `npm run bench`: prints ONE JSON object on stdout; progress goes to stderr.
 * The measuring happens in bench/suite.ts, in a child process whose stdout is redirected to
 * stderr: the Temporal dev server inherits its parent's stdout and prints a banner there,
 * which must never corrupt the JSON. Options (environment) are documented in suite.ts.
 * `npm run -s bench > result.json` keeps npm's own "> genie bench" header out of the file too.
 */
import { fork } from 'node:child_process';

const child = fork(require.resolve('./suite'), [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: [] });
let result: unknown;
child.on('message', (m: { type?: string; result?: unknown }) => {
  if (m?.type === 'result') result = m.result;
});
child.on('exit', (code, signal) => {
  if (result === undefined) {
    process.stderr.write(`bench: the suite exited (${signal ?? code}) without a result\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exit(code ?? 1);
});
// Ctrl-C reaches the whole process group (suite, worker process, dev server), so nothing outlives it.
