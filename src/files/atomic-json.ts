/**
 * State files other processes read at any moment (the supervisor's, the chaos fault store's):
 * replaced whole and durably (see atomic-write), so a reader never sees half a record and a
 * crash leaves the old one.
 */
import { writeFileAtomic } from './atomic-write';

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}
