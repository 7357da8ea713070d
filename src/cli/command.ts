/** One CLI command: its options (node:util parseArgs), its help text, and what it does. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { print, UsageError } from './output';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra help lines: option meanings and examples. */
  details?: string[];
  options: Options;
  run(values: Values, positionals: string[]): Promise<number>;
}

export async function runCommand(command: Command, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: ${command.usage}\n(see genie ${command.name} --help)`);
  }
  if (parsed.values.help) {
    print(`${command.summary}\n\nusage: ${command.usage}`);
    if (command.details?.length) print('\n' + command.details.join('\n'));
    return 0;
  }
  return command.run(parsed.values as Values, parsed.positionals);
}
