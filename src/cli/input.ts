/**
 * What the CLI reads where it takes a file: `-` means stdin, read to its end but no further
 * than a cap (runbooks and configs: the 1 MiB of src/dsl/load.ts), so piping /dev/zero or a
 * runaway generator fails with a clear message instead of filling memory.
 */
import * as fs from 'node:fs';
import { MAX_DOCUMENT_BYTES } from '../dsl/parse';
import { type Output, UsageError } from './output';

export const STDIN = '-';
/** How stdin is named in diagnostics (stdin:3:5: ...). */
export const STDIN_NAME = 'stdin';

export const isStdin = (arg: string | undefined): boolean => arg === STDIN;

export async function readStdin(out: Output, maxBytes = MAX_DOCUMENT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of out.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    // Leaving the loop closes the stream: nothing past the cap is read.
    if (total > maxBytes)
      throw new UsageError(`stdin (-) is more than the limit of ${maxBytes} bytes (${mebibytes(maxBytes)}); write it to a file, or split it`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** `-` from stdin (capped), anything else as the file it names; a problem is a usage error naming it. */
export async function readInput(arg: string, out: Output, maxBytes = MAX_DOCUMENT_BYTES): Promise<string> {
  if (isStdin(arg)) return readStdin(out, maxBytes);
  try {
    return fs.readFileSync(arg, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${arg}: ${(err as Error).message}`);
  }
}

/** Stdin can be read once: `genie validate - -` would see it empty the second time. */
export function refuseStdinTwice(args: string[]): void {
  if (args.filter(isStdin).length > 1) throw new UsageError('- (stdin) can be given once');
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}
