/** How the CLI speaks: plain lines, JSON on request, and errors that exit with a meaning. */
import { GenieError } from '../errors/genie-error';

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** A problem with what the user typed or wrote: exit 2, no stack trace. */
export class UsageError extends GenieError {
  readonly code = 'USAGE';

  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
  }
}

/** What a command writes to: process.stdout in genie, a buffer in a test. */
export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What `-` reads: process.stdin in genie, given text in a test. */
export type Reader = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

/**
 * The streams a command writes to (and reads `-` from), passed in to every command so that a
 * test can run one in its own process and read what it said. The helpers are bound, so
 * `log: out.print` works.
 */
export class Output {
  constructor(
    readonly stdout: Writer,
    readonly stderr: Writer,
    private readonly input?: Reader,
  ) {}

  /** process.stdin is made only when `-` is read: merely touching it opens the stream. */
  get stdin(): Reader {
    return this.input ?? process.stdin;
  }

  readonly print = (line = ''): void => {
    this.stdout.write(line + '\n');
  };

  readonly printJson = (value: unknown): void => {
    this.stdout.write(JSON.stringify(value, null, 2) + '\n');
  };

  readonly warn = (line: string): void => {
    this.stderr.write(line + '\n');
  };

  get isTty(): boolean {
    return Boolean(this.stdout.isTTY);
  }
}

/** A terminal or a pipe: the process's own streams. */
export const processOutput = (): Output => new Output(process.stdout, process.stderr);

const ICONS: Record<string, string> = {
  pending: '·',
  running: '▶',
  waiting: '⏸',
  succeeded: '✔',
  failed: '✘',
  skipped: '↷',
  cancelled: '⊘',
};
export function icon(status: string): string {
  return ICONS[status] ?? ' ';
}
