/**
 * A secrets file readable by others is a leak waiting to happen; like ssh with its keys,
 * Genie refuses to read one. Owner-only (0600, 0400; 0700 for a directory) passes.
 */
import * as fs from 'node:fs';
import { SecretProviderError } from './provider';

export function checkPrivate(file: string, stat: fs.Stats = fs.statSync(file)): void {
  // Windows has no POSIX modes; its ACLs are out of reach here.
  if (process.platform === 'win32') return;
  const open = stat.mode & 0o077;
  if (open !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new SecretProviderError(
      `${file} is readable or writable by group/others (mode ${mode}); secrets must be private to their owner: chmod ${stat.isDirectory() ? '700' : '600'} ${file}`,
    );
  }
}
