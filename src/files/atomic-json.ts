/**
 * State files other processes read at any moment (the supervisor's, the chaos fault store's):
 * written whole to a temporary file beside the target, then renamed over it, so a reader
 * never sees half a record and a crash leaves the old one.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
