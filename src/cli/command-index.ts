/**
 * Which commands exist, what each is for, and which module holds it: written at build time
 * (`npm run build`) from the command modules themselves, so `genie --help` and the choice of a
 * command load no command module, and only the chosen one is loaded. Every command module
 * pulls in the Temporal client or more (~0.5 s each at 3 a.m.); help needs none of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from './command';

/** The command modules, in the order `genie --help` lists them. */
export const COMMAND_MODULES = [
  'serve', 'validate', 'run', 'status', 'override', 'list', 'history', 'audit', 'replay', 'codec-server',
  'breaker', 'chaos', 'alerts', 'keygen', 'router', 'demo-service', 'demo-failover', 'nab',
] as const;

export interface CommandIndexEntry {
  name: string;
  summary: string;
  /** File under commands/, without extension. */
  module: (typeof COMMAND_MODULES)[number];
}

export const COMMAND_INDEX_FILE = path.join(__dirname, 'command-index.json');

const isCommand = (value: unknown): value is Command =>
  typeof value === 'object' && value !== null && typeof (value as Command).name === 'string' && typeof (value as Command).run === 'function';

function commandsOf(exports: Record<string, unknown>): Command[] {
  return Object.values(exports).flatMap((value) => (Array.isArray(value) ? value.filter(isCommand) : isCommand(value) ? [value] : []));
}

function requireModule(module: CommandIndexEntry['module']): Record<string, unknown> {
  // By name from the fixed list above, so nothing outside it can be loaded.
  return require(`./commands/${module}`) as Record<string, unknown>;
}

/** Loads every command module: what the build does once, and what a stale build falls back to. */
export function buildCommandIndex(): CommandIndexEntry[] {
  return COMMAND_MODULES.flatMap((module) => commandsOf(requireModule(module)).map((c) => ({ name: c.name, summary: c.summary, module })));
}

/** The index written at build time, or a fresh one when it is missing or older than the commands. */
export function commandIndex(): CommandIndexEntry[] {
  try {
    const built = fs.statSync(COMMAND_INDEX_FILE).mtimeMs;
    const stale = COMMAND_MODULES.some((m) => fs.statSync(path.join(__dirname, 'commands', `${m}.js`)).mtimeMs > built);
    if (!stale) return JSON.parse(fs.readFileSync(COMMAND_INDEX_FILE, 'utf8')) as CommandIndexEntry[];
  } catch {
    // No index yet (running from a fresh tsc): build it in memory.
  }
  return buildCommandIndex();
}

export function loadCommand(entry: CommandIndexEntry): Command {
  const command = commandsOf(requireModule(entry.module)).find((c) => c.name === entry.name);
  if (!command) throw new Error(`command ${entry.name} is not in commands/${entry.module} any more: rebuild (npm run build)`);
  return command;
}

if (require.main === module) {
  fs.writeFileSync(COMMAND_INDEX_FILE, `${JSON.stringify(buildCommandIndex(), null, 1)}\n`);
}
