/**
 * `genie <command> ...` from arguments to exit code, writing only to `out`: main.ts runs it on
 * the process's streams, tests run it in their own process on buffers.
 */
import { RunbookValidationError } from '../dsl/diagnostics';
import { PolicyError } from '../policy/errors';
import { runCommand } from './command';
import { commandIndex, loadCommand, type CommandIndexEntry } from './command-index';
import { EXIT, type Output, UsageError } from './output';
import { genieVersion } from './version';

function help(commands: CommandIndexEntry[], { print }: Output): void {
  print('genie — durable reliability runbooks on Temporal\n\nusage: genie <command> [options]   (genie <command> --help for more; genie --version)\n');
  const width = Math.max(...commands.map((c) => c.name.length));
  for (const c of commands) print(`  ${c.name.padEnd(width)}  ${c.summary}`);
}

async function dispatch(argv: string[], out: Output): Promise<number> {
  const commands = commandIndex();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(commands, out);
    return name ? EXIT.ok : EXIT.badInput;
  }
  if (name === '--version' || name === '-V') {
    out.print(`genie ${genieVersion()}`);
    return EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) throw new UsageError(`unknown command "${name}"; run genie --help for the list`);
  return runCommand(loadCommand(entry), rest, out);
}

/** Never rejects: every failure becomes its exit code and a message on stderr. */
export async function genie(argv: string[], out: Output): Promise<number> {
  try {
    return await dispatch(argv, out);
  } catch (err) {
    if (err instanceof UsageError) {
      out.warn(`genie: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof RunbookValidationError || err instanceof PolicyError) {
      out.warn(err.message);
      return EXIT.failed;
    }
    out.warn(`genie: ${(err as Error)?.stack ?? String(err)}`);
    return EXIT.failed;
  }
}
