/**
 * The RPO gate's memory across watch windows. The monitor learns each standby's lag only
 * from the primary while the primary is alive; a window that starts after the primary died
 * (releaseHold after a failure during a hold) or in the first status period of any window
 * would otherwise know nothing and refuse as "lag unknown". So every window returns the last
 * samples it had and the workflow passes them into the next window: they live in history,
 * and whichever worker runs the next window resumes them.
 */
import type { LagSample } from './rpo-gate';

export interface ReplicationMemory {
  /** The primary whose replication status these samples are, in that topology epoch. */
  primary: string;
  epoch: number;
  /** Per standby, the primary's last report about it. */
  samples: Record<string, LagSample>;
}

/**
 * Seeds a window's samples from the previous window's, when they describe the same
 * primary in the same epoch (after a failover they describe a different topology), only for
 * known regions and never from the future (a sample's age is what makes it pessimistic).
 */
export function seedSamples(
  samples: Map<string, LagSample>,
  memory: ReplicationMemory | undefined,
  primary: string,
  epoch: number,
  regions: string[],
  now = Date.now(),
): void {
  if (!memory || memory.primary !== primary || memory.epoch !== epoch) return;
  for (const [region, sample] of Object.entries(memory.samples)) {
    if (region !== primary && regions.includes(region) && sample.at <= now && !samples.has(region)) samples.set(region, sample);
  }
}

/** What a window hands to the next one. */
export function rememberSamples(samples: Map<string, LagSample>, primary: string, epoch: number): ReplicationMemory {
  return { primary, epoch, samples: Object.fromEntries(samples) };
}
