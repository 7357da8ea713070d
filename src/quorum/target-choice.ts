/**
 * Which standby to promote, so that no acknowledged commit is lost.
 *
 * A synchronous standby (sync_state `sync`) had every acknowledged commit: it goes first. With
 * quorum commit (`ANY k (...)`, sync_state `quorum`) or asynchronous standbys, a commit was
 * acknowledged once any k of them had it, and the primary's last sample — up to one status
 * interval old — cannot say which one that was. With the primary down, what each standby has
 * received is final, and the write-ahead log is one sequence: the standby furthest into it has
 * every commit any other standby has. So the candidates are asked once more, and the one
 * furthest along wins; one that does not answer in time keeps its rank after those that did.
 */
import type { LagSample } from './rpo-gate';

/** Preference before asking: a synchronous standby, then the least lag in the primary's last sample, then the name. */
export function rankTargets(candidates: string[], samples: ReadonlyMap<string, LagSample>): string[] {
  const lag = (r: string) => samples.get(r)?.lagBytes ?? Number.MAX_SAFE_INTEGER;
  const sync = (r: string) => (samples.get(r)?.syncState === 'sync' ? 0 : 1);
  return [...candidates].sort((a, b) => sync(a) - sync(b) || lag(a) - lag(b) || a.localeCompare(b));
}

/** True when the ranking alone is enough: one candidate, or a synchronous standby at the top. */
export function rankDecides(ranked: string[], samples: ReadonlyMap<string, LagSample>): boolean {
  return ranked.length <= 1 || samples.get(ranked[0]!)?.syncState === 'sync';
}

/** The candidate furthest into the log (ties and unknown positions keep their rank). */
export function furthestAlong(ranked: string[], received: Readonly<Record<string, number | null>>): string {
  let best = ranked[0]!;
  for (const region of ranked.slice(1)) {
    const here = received[region] ?? null;
    const top = received[best] ?? null;
    if (here !== null && (top === null || here > top)) best = region;
  }
  return best;
}
