#!/usr/bin/env node
/** `genie`: the command line. One file per command under commands/, loaded only when it runs (command-index.ts). */
import './compile-cache';
import { RunbookValidationError } from '../dsl/diagnostics';
import { PolicyError } from '../policy/errors';
import { runCommand } from './command';
import { commandIndex, loadCommand } from './command-index';
import { EXIT, print, UsageError, warn } from './output';

// `genie list | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const COMMANDS = commandIndex();

function help(): void {
  print('genie — durable reliability runbooks on Temporal\n\nusage: genie <command> [options]   (genie <command> --help for more)\n');
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  for (const c of COMMANDS) print(`  ${c.name.padEnd(width)}  ${c.summary}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help();
    return name ? EXIT.ok : EXIT.badInput;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new UsageError(`unknown command "${name}"; run genie --help for the list`);
  return runCommand(loadCommand(entry), rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof UsageError) {
      warn(`genie: ${err.message}`);
      process.exitCode = err.exitCode;
    } else if (err instanceof RunbookValidationError || err instanceof PolicyError) {
      warn(err.message);
      process.exitCode = EXIT.failed;
    } else {
      warn(`genie: ${(err as Error)?.stack ?? err}`);
      process.exitCode = EXIT.failed;
    }
  },
);
