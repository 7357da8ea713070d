/**
 * Which executables a worker runs for `command.run` and chaos `process` probes. The worker's
 * operator decides, with GENIE_COMMAND_ALLOWLIST: comma-separated executable names and/or
 * absolute paths. A name allows whatever that name resolves to on the worker's PATH; an
 * absolute path allows exactly that path, spelled exactly so. Entries that are neither (like
 * ./tool) never match. Unset or empty allows nothing.
 */
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { findOnPath } from '../files/executable';
import { badArgument } from '../temporal/failures';

export const ALLOWLIST_VARIABLE = 'GENIE_COMMAND_ALLOWLIST';

/** The allowlist entries, as the worker's operator wrote them. */
export function allowlist(): string[] {
  return (process.env[ALLOWLIST_VARIABLE] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/**
 * The absolute path to spawn for `command`, or a non-retryable COMMAND_NOT_ALLOWED. Names
 * are resolved here, on the worker's PATH, never on the step's env: a runbook must not be
 * able to point an allowed name at another file.
 */
export async function allowedExecutable(command: unknown): Promise<string> {
  if (typeof command !== 'string' || command.length === 0 || command.includes('\0')) throw badArgument('command must be a non-empty string');
  if (!path.isAbsolute(command) && command.includes('/')) {
    throw badArgument(`command ${JSON.stringify(command)} must be a name found on PATH or an absolute path`);
  }
  const entries = allowlist();
  const names = entries.filter((e) => !e.includes('/'));
  const paths = entries.filter((e) => path.isAbsolute(e));
  const notAllowed = () =>
    ApplicationFailure.nonRetryable(
      entries.length === 0
        ? `command ${JSON.stringify(command)} is not allowed: ${ALLOWLIST_VARIABLE} is empty on this worker, so no command may run; set it to a comma-separated list of executable names or absolute paths`
        : `command ${JSON.stringify(command)} is not allowed on this worker; add its name or absolute path to ${ALLOWLIST_VARIABLE} (now: ${entries.join(', ')})`,
      'COMMAND_NOT_ALLOWED',
    );

  if (path.isAbsolute(command)) {
    if (paths.includes(command)) return command;
    for (const name of names) if (findOnPath(name) === command) return command;
    throw notAllowed();
  }
  const resolved = findOnPath(command);
  if (names.includes(command)) {
    if (!resolved)
      throw ApplicationFailure.nonRetryable(`command ${JSON.stringify(command)} is allowed but not found on this worker's PATH`, 'COMMAND_NOT_FOUND');
    return resolved;
  }
  if (resolved && paths.includes(resolved)) return resolved;
  throw notAllowed();
}
