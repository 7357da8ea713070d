/**
 * A separate process driving the supervisor, as another worker or the CLI would:
 *   node helper.js <dir> status|stop|restart|start-recorded <name>
 *   node helper.js <dir> start <spec-json> [--hold]    (--hold: keep running after the start, to be SIGKILLed)
 * Prints one JSON line: the result, or {error, code}.
 */
import { Supervisor } from '../../../src/process';

async function main(): Promise<void> {
  const [dir, op, arg, flag] = process.argv.slice(2);
  const supervisor = new Supervisor({ dir: dir! });
  let result: unknown;
  switch (op) {
    case 'status':
      result = supervisor.status(arg!);
      break;
    case 'stop':
      result = await supervisor.stop(arg!, { graceMs: 2_000 });
      break;
    case 'restart':
      result = await supervisor.restart(arg!, { graceMs: 2_000 });
      break;
    case 'start-recorded':
      result = await supervisor.startRecorded(arg!);
      break;
    case 'start':
      result = await supervisor.start(JSON.parse(arg!));
      break;
    default:
      throw new Error(`unknown op ${op}`);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (flag === '--hold') setInterval(() => undefined, 1_000);
}

main().catch((error: Error & { code?: string }) => {
  process.stdout.write(`${JSON.stringify({ error: error.message, code: error.code })}\n`);
  process.exitCode = 1;
});
