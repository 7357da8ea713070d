#!/usr/bin/env node
/** `genie`: the command line. One file per command under commands/. */
import { RunbookValidationError } from '../dsl/diagnostics';
import { PolicyError } from '../policy/errors';
import { runCommand, type Command } from './command';
import { alerts } from './commands/alerts';
import { audit } from './commands/audit';
import { breaker } from './commands/breaker';
import { chaos } from './commands/chaos';
import { codecServer } from './commands/codec-server';
import { demo } from './commands/demo-failover';
import { demoService } from './commands/demo-service';
import { history } from './commands/history';
import { keygen } from './commands/keygen';
import { list } from './commands/list';
import { nab } from './commands/nab';
import { overrides } from './commands/override';
import { replay } from './commands/replay';
import { router } from './commands/router';
import { run } from './commands/run';
import { server, up, worker } from './commands/serve';
import { status } from './commands/status';
import { validate } from './commands/validate';
import { EXIT, print, UsageError, warn } from './output';

// `genie list | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const COMMANDS: Command[] = [up, worker, server, validate, run, status, ...overrides, list, history, audit, replay, codecServer, breaker, chaos, alerts, keygen, router, demoService, demo, nab];

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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; run genie --help for the list`);
  return runCommand(command, rest);
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
