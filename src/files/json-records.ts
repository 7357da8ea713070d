/** The record names in a state directory of `<name>.json` files (none when it does not exist yet). */
import * as fs from 'node:fs';

export function jsonRecordNames(dir: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
}
