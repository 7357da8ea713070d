/**
 * One CLI command: its options (node:util parseArgs), its help text, and either what it does
 * (`run`) or a table of subcommands dispatched by their first word. Every file under commands/
 * exports one of these as `command`, named like the file.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type Output, UsageError } from './output';

/** A flag as node:util parseArgs takes it, and the line of help docs/cli.md shows for it. */
export interface Option {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  help: string;
}
export type Options = Record<string, Option>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra help lines: option meanings and examples. */
  details?: string[];
  /** With subcommands: the options every subcommand accepts (its own come on top). */
  options: Options;
  run?(values: Values, positionals: string[], out: Output): Promise<number> | number;
  /** Chosen by the first word after the command's name; each is parsed with its own options plus these. */
  subcommands?: Command[];
}

const HELP: Options = { help: { type: 'boolean', short: 'h', help: 'this help' } };

/** parseArgs is given only what it knows: the help text stays ours. */
function parseArgsOptions(options: Options): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, short, multiple }]) => [name, { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) }]),
  );
}

function printHelp(command: Command, path: string, { print }: Output): void {
  print(`${command.summary}\n\nusage: ${command.usage}`);
  if (command.details?.length) print('\n' + command.details.join('\n'));
  if (command.subcommands?.length) {
    const width = Math.max(...command.subcommands.map((s) => s.name.length));
    print(`\nsubcommands (${path} <subcommand> --help for more):`);
    for (const s of command.subcommands) print(`  ${s.name.padEnd(width)}  ${s.summary}`);
  }
}

/** `path` is how the user reached this command ("genie chaos"), for help and errors. */
export async function runCommand(command: Command, argv: string[], out: Output, path = `genie ${command.name}`, inherited: Options = {}): Promise<number> {
  const options = { ...inherited, ...command.options };
  if (command.subcommands) {
    const [word, ...rest] = argv;
    if (word === '--help' || word === '-h') {
      printHelp(command, path, out);
      return 0;
    }
    const sub = command.subcommands.find((s) => s.name === word);
    if (!sub) {
      const names = command.subcommands.map((s) => s.name).join(', ');
      throw new UsageError(
        word === undefined ? `${path} needs a subcommand: ${names} (${path} --help)` : `${path} ${word}: no such subcommand; say ${names} (${path} --help)`,
      );
    }
    return runCommand(sub, rest, out, `${path} ${sub.name}`, options);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: parseArgsOptions({ ...options, ...HELP }), allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: ${command.usage}\n(see ${path} --help)`);
  }
  if (parsed.values.help) {
    printHelp(command, path, out);
    return 0;
  }
  if (!command.run) throw new Error(`${path} has neither run nor subcommands`);
  return command.run(parsed.values as Values, parsed.positionals, out);
}
