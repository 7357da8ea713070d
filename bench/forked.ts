/**
 * A standalone benchmark script (`npm run bench:<x>`) measures in a forked child whose stdout
 * is stderr: the Temporal dev server it starts inherits stdout and prints a banner there, which
 * must never corrupt the one JSON object the parent prints. The child sends its result over IPC.
 */
import { fork } from 'node:child_process';
import { log } from './log';

export function runForked(name: string, measure: () => Promise<unknown>): void {
  if (process.send) {
    measure()
      .then(
        (result) => new Promise<void>((resolve, reject) => process.send!({ type: 'result', result }, (err: Error | null) => (err ? reject(err) : resolve()))),
      )
      .then(
        () => process.exit(0),
        (err) => {
          log(`${name} failed: ${(err as Error)?.stack ?? err}`);
          process.exit(1);
        },
      );
    return;
  }
  const forked = fork(require.main!.filename, [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: [] });
  let result: unknown;
  forked.on('message', (m: { type?: string; result?: unknown }) => {
    if (m?.type === 'result') result = m.result;
  });
  forked.on('exit', (code, signal) => {
    if (result === undefined) {
      process.stderr.write(`${name} exited (${signal ?? code}) without a result\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    process.exit(code ?? 1);
  });
}
