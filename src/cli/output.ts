/** How the CLI speaks: plain lines, JSON on request, and errors that exit with a meaning. */
import { GenieError } from '../errors/genie-error';

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** A problem with what the user typed or wrote: exit 2, no stack trace. */
export class UsageError extends GenieError {
  readonly code = 'USAGE';

  constructor(message: string, readonly exitCode: number = EXIT.badInput) {
    super(message);
  }
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function warn(line: string): void {
  process.stderr.write(line + '\n');
}

export const isTty = (): boolean => Boolean(process.stdout.isTTY);

const ICONS: Record<string, string> = {
  pending: '·', running: '▶', waiting: '⏸', succeeded: '✔', failed: '✘', skipped: '↷', cancelled: '⊘',
};
export function icon(status: string): string {
  return ICONS[status] ?? ' ';
}
