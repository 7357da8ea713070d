/**
 * A hash chain over JSON records: each carries its position, the SHA-256 of the record
 * before it, and its own SHA-256 over its canonical JSON. Editing, removing, reordering or
 * inserting any record breaks the chain at that record.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../dsl/canonical';

export const GENESIS = '0'.repeat(64);

export type Chained<T> = T & { seq: number; prev: string; hash: string };

export function hashRecord(record: Record<string, unknown>): string {
  const { hash: _ignored, ...content } = record;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Links records in order, continuing a chain at `firstSeq` after `start`; returns them with seq, prev and hash set. */
export function chain<T extends Record<string, unknown>>(records: T[], start = GENESIS, firstSeq = 0): Chained<T>[] {
  let prev = start;
  return records.map((record, i) => {
    const linked = { ...record, seq: firstSeq + i, prev } as Chained<T>;
    linked.hash = hashRecord(linked);
    prev = linked.hash;
    return linked;
  });
}

export interface ChainProblem {
  /** 1-based line of the first record that does not fit. */
  line: number;
  reason: string;
}

/** The first record that is not where, or what, the chain says it should be. */
export function firstBreak(lines: string[]): ChainProblem | undefined {
  let prev = GENESIS;
  for (const [i, text] of lines.entries()) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { line: i + 1, reason: 'not valid JSON' };
    }
    if (record.prev !== prev) return { line: i + 1, reason: `does not follow the previous record (a record before it was removed, inserted or reordered)` };
    if (record.seq !== i) return { line: i + 1, reason: `is record ${String(record.seq)} but stands at position ${i}` };
    if (hashRecord(record) !== record.hash) return { line: i + 1, reason: 'content was changed after export (hash mismatch)' };
    prev = record.hash as string;
  }
  return undefined;
}
