/**
 * Bounds on the override log a run keeps in its state (the `state` query, the result, what
 * continue-as-new carries). Anyone who can signal a run can send requests that are refused;
 * without bounds a flood of them, or one `reason` of megabytes, grows the state past
 * Temporal's payload limit and the run can no longer answer queries or continue as new.
 * Accepted requests are all kept: they are what the run did, and nonces and $run.signals are
 * read from them. Refused ones are kept newest-first up to REFUSED_KEPT and counted beyond;
 * every request, whole, stays in the run's history (the audit trail). Only the log is bounded,
 * never a decision: what is refused or accepted does not depend on it.
 */
import type { OverrideRecord } from './api';

/** Refused requests kept in the log (the newest). */
export const REFUSED_KEPT = 100;
/** Characters kept of a name-like field (by, stepId, strategy, target). Nonces are kept whole: replays are matched on them. */
export const NAME_CAP = 200;
/** Characters kept of free text (reason, refusal). */
export const TEXT_CAP = 1_000;

function clip(text: string, cap: number): string {
  return text.length > cap ? `${text.slice(0, cap)}… (${text.length - cap} more characters in history)` : text;
}

/** The record as the log keeps it: every string field clipped. */
export function clipped(record: OverrideRecord): OverrideRecord {
  const out: OverrideRecord = { ...record, by: clip(record.by, NAME_CAP) };
  if (out.reason !== undefined) out.reason = clip(out.reason, TEXT_CAP);
  if (out.refusal !== undefined) out.refusal = clip(out.refusal, TEXT_CAP);
  for (const field of ['stepId', 'strategy', 'target'] as const) {
    if (out[field] !== undefined) out[field] = clip(out[field]!, NAME_CAP);
  }
  return out;
}

/** Appends `record` to `log` (in place); returns how many refused records were dropped to stay within REFUSED_KEPT. */
export function appendBounded(log: OverrideRecord[], record: OverrideRecord): number {
  log.push(clipped(record));
  let dropped = 0;
  let refused = log.reduce((n, o) => n + (o.accepted ? 0 : 1), 0);
  while (refused > REFUSED_KEPT) {
    log.splice(
      log.findIndex((o) => !o.accepted),
      1,
    );
    refused -= 1;
    dropped += 1;
  }
  return dropped;
}
