/** The one parser for a port given on the command line or in the environment. */
import { UsageError } from './output';

/**
 * `value` as a port, or `fallback` when it was not given. Port 0 ("any free port") is refused
 * when the user gives it: a listener nobody can find is never what an operator meant, and
 * the commands whose default is a free port (fallback 0) get it by leaving the flag out.
 * Without a fallback the port is required.
 */
export function portOption(value: unknown, flag: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`${flag} is required (a port number, 1-65535)`);
    return fallback;
  }
  const text = String(value);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (port === 0) {
    throw new UsageError(`${flag} 0 is refused: give a port from 1 to 65535${fallback === 0 ? ` (leave ${flag} out to listen on any free port)` : ''}`);
  }
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`${flag} ${text} is not a port number (1-65535)`);
  return port;
}
