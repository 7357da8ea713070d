/**
 * Which commands exist and what each is for: written at build time (`npm run build`) from the
 * command modules themselves, so `genie --help` and the choice of a command load no command
 * module, and only the chosen one is loaded. Every command module pulls in the Temporal client
 * or more (~0.5 s each at 3 a.m.); help needs none of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from './command';

/**
 * The one registry: every command, in the order `genie --help` lists them. Each is the file
 * commands/<name>.ts, which exports it as `command`.
 */
export const COMMAND_MODULES = [
  'up',
  'server',
  'worker',
  'validate',
  'run',
  'status',
  'approve',
  'reject',
  'pause',
  'resume',
  'abort',
  'skip',
  'retry',
  'promote',
  'force-check',
  'skip-strategy',
  'emergency-stop',
  'force-failover',
  'hold-failover',
  'release-hold',
  'failback',
  'list',
  'history',
  'audit',
  'replay',
  'codec-server',
  'breaker',
  'chaos',
  'alerts',
  'keygen',
  'router',
  'demo-service',
  'demo',
  'nab',
] as const;

export type CommandName = (typeof COMMAND_MODULES)[number];

export interface CommandIndexEntry {
  name: string;
  summary: string;
}

export const COMMAND_INDEX_FILE = path.join(__dirname, 'command-index.json');

/** By name from the fixed list above, so nothing outside it can be loaded. */
export function loadCommandModule(name: CommandName): Command {
  const command = (require(`./commands/${name}`) as { command?: Command }).command;
  if (command?.name !== name) throw new Error(`commands/${name} must export its command as \`command\`, named ${name}`);
  return command;
}

/** Loads every command module: what the build does once, and what a stale build falls back to. */
export function buildCommandIndex(): CommandIndexEntry[] {
  return COMMAND_MODULES.map((name) => ({ name, summary: loadCommandModule(name).summary }));
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
  const name = COMMAND_MODULES.find((n) => n === entry.name);
  if (!name) throw new Error(`command ${entry.name} is not in the registry any more: rebuild (npm run build)`);
  return loadCommandModule(name);
}

if (require.main === module) {
  fs.writeFileSync(COMMAND_INDEX_FILE, `${JSON.stringify(buildCommandIndex(), null, 1)}\n`);
}
