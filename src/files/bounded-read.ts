/**
 * Reads a regular file, refusing to read more than `maxBytes`. The limit counts bytes actually
 * read, not `stat().size`: devices (/dev/zero) and procfs files report size 0 and never end.
 */
import * as fs from 'node:fs';
import { GenieError } from '../errors/genie-error';

export class FileTooLargeError extends GenieError {
  readonly code = 'FILE_TOO_LARGE';
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`${file} is larger than the limit of ${maxBytes} bytes`);
  }
}

export class NotRegularFileError extends GenieError {
  readonly code = 'NOT_REGULAR_FILE';
  constructor(readonly file: string) {
    super(`${file} is not a regular file`);
  }
}

const CHUNK = 64 * 1024;

export function readBoundedFile(file: string, maxBytes: number): Buffer {
  // O_NONBLOCK: opening a FIFO must not hang waiting for a writer; the fstat check below refuses it anyway.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new NotRegularFileError(file);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(CHUNK, maxBytes + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new FileTooLargeError(file, maxBytes);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

export function readBoundedText(file: string, maxBytes: number): string {
  return readBoundedFile(file, maxBytes).toString('utf8');
}

/** True when `target` (already a realpath) is `dir` itself or below it. */
export function isInside(dir: string, target: string): boolean {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return target === dir || target.startsWith(prefix);
}
