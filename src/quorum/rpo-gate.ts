/**
 * The RPO gate: may this standby be promoted without losing more than the budget?
 *
 * What is known when the primary has just died is the last replication status it gave
 * (its view of each standby's lag, sampled while it was alive) and the lag the observers
 * report. The gate takes the worst of them, adds the age of the primary's sample when the
 * standby was behind (it may have fallen further back since), and refuses a promotion above
 * the budget, or with no lag known at all, unless an authorized forceFailover says to go
 * ahead anyway. Pure; the monitor records every input with the verdict.
 */

export interface LagSample {
  /** When the primary's status was read (ms since the Unix epoch). */
  at: number;
  lagSeconds: number;
  lagBytes: number;
  /** sync | async | potential | quorum | disconnected. */
  syncState?: string;
}

export interface RpoGateInput {
  target: string;
  budgetMs: number;
  /** Optional byte budget as well (null: none). */
  budgetBytes: number | null;
  /** The primary's last report about the target, if any. */
  sample?: LagSample;
  /** The target's own latest view of its replay lag (seconds), if any: it may be behind in replaying what it received. */
  standbyLagSeconds?: number;
  /** The lag the observer quorum attributes to the target (bytes), if any. */
  observedLagBytes: number | null;
  now: number;
  /** An authorized forceFailover for this target. */
  forcedBy?: string;
}

export interface RpoGateVerdict {
  allowed: boolean;
  forced: boolean;
  /** The lag the gate judged, in ms (null: unknown). */
  lagMs: number | null;
  lagBytes: number | null;
  sampleAgeMs: number | null;
  reason: string;
}

export function rpoGate(input: RpoGateInput): RpoGateVerdict {
  const { sample, now } = input;
  const sampleAgeMs = sample ? Math.max(0, now - sample.at) : null;
  // A synchronous standby had every acknowledged commit; an async one may have fallen further behind since the sample.
  const caughtUp = sample !== undefined && (sample.syncState === 'sync' || sample.syncState === 'quorum' || (sample.lagBytes === 0 && sample.lagSeconds === 0));
  const primaryView = sample ? Math.round(sample.lagSeconds * 1000) + (caughtUp ? 0 : sampleAgeMs!) : null;
  const lagMs = primaryView === null ? null : Math.max(primaryView, Math.round((input.standbyLagSeconds ?? 0) * 1000));
  const bytes = [sample?.lagBytes, input.observedLagBytes].filter((x): x is number => typeof x === 'number');
  const lagBytes = bytes.length ? Math.max(...bytes) : null;
  const over: string[] = [];
  if (lagMs === null) over.push(`the lag of ${input.target} is unknown (no replication status from the primary before it failed)`);
  else if (lagMs > input.budgetMs) over.push(`${input.target} was ${lagMs} ms behind (budget ${input.budgetMs} ms)`);
  if (input.budgetBytes !== null && lagBytes !== null && lagBytes > input.budgetBytes)
    over.push(`${input.target} was ${lagBytes} bytes behind (budget ${input.budgetBytes} bytes)`);
  const base = { lagMs, lagBytes, sampleAgeMs };
  if (over.length === 0)
    return {
      ...base,
      allowed: true,
      forced: false,
      reason: `within the RPO budget: ${lagMs} ms${lagBytes !== null ? `, ${lagBytes} bytes` : ''} behind${caughtUp ? ` (${sample?.syncState ?? 'caught up'})` : ''}`,
    };
  if (input.forcedBy) return { ...base, allowed: true, forced: true, reason: `RPO gate overridden by forceFailover (${input.forcedBy}): ${over.join('; ')}` };
  return { ...base, allowed: false, forced: false, reason: `promotion refused by the RPO gate: ${over.join('; ')}; an approved forceFailover can override it` };
}
