/** What the monitor returns, and the one way every outcome of it is put together. */
import type { ExecuteResult } from './execute';
import type { OverrideView } from './ports';
import type { LagSample, RpoGateVerdict } from './rpo-gate';
import type { ReplicationMemory } from './replication-memory';
import type { EquivocationProof, RegionDecision } from './tracker';

export type MonitorOutcome = 'failed-over' | 'escalated' | 'held' | 'force-requested' | 'quiet';

export interface MonitorResult {
  outcome: MonitorOutcome;
  reason: string;
  primary: string;
  previousPrimary?: string;
  target?: string;
  epoch: number;
  resumed?: boolean;
  /** ms since the Unix epoch; and the gaps between them in `durations`. */
  timings: Record<string, number>;
  durations: Record<string, number>;
  quorum?: {
    n: number;
    f: number;
    size: number;
    observers: Record<string, string>;
    decision?: Omit<RegionDecision, 'verdicts'> & { verdicts: unknown[] };
    publicKeys: Record<string, string>;
    rejected: Record<string, number>;
    accepted: number;
    isolated: string[];
    equivocations: EquivocationProof[];
  };
  verification?: {
    verdictsVerified: number;
    totalMicros: number;
    meanMicros: number;
    decisionSignatures: number;
    decisionMicros: number;
    sinceLastDecision: { verified: number; micros: number };
  };
  hysteresis?: { flaps: number; requiredDownMs: number; events: { type: string; at: number; detail?: string }[] };
  rpo?: RpoGateVerdict & { sample?: LagSample };
  /** How the target was picked among the healthy standbys (target-choice.ts). */
  targetChoice?: TargetChoice;
  steps?: ExecuteResult['steps'];
  overrides?: { hold: OverrideView['hold']; forces: number };
  /** For the next window: the last replication samples this one had. */
  replication?: ReplicationMemory;
}

export interface TargetChoice {
  target: string;
  /** The candidates, best first by sync state and the primary's last lag sample. */
  ranked: string[];
  /** Whether the candidates were asked how far into the log they are (not when one is synchronous, or alone). */
  asked: boolean;
  /** Their answers (null: no answer in time). */
  receivedWalBytes?: Record<string, number | null>;
}

export const durations = (t: Record<string, number>): Record<string, number> => {
  const from = (a: string, b: string) =>
    t[a] !== undefined && t[b] !== undefined ? { [`${a.replace(/At$/, '')}To${b[0].toUpperCase()}${b.slice(1).replace(/At$/, '')}Ms`]: t[b] - t[a] } : {};
  return {
    ...from('failureSeenAt', 'quorumAt'),
    ...from('failureSeenAt', 'decidedAt'),
    ...from('decidedAt', 'switchedAt'),
    ...from('failureSeenAt', 'switchedAt'),
    ...from('decidedAt', 'routerFencedAt'),
    ...from('promoteStartedAt', 'promotedAt'),
  };
};

/** A result about the topology the watch started with (`extra` may replace the primary and epoch, after a failover). */
export function monitorResult(
  topology: { primary: string; epoch: number },
  outcome: MonitorOutcome,
  reason: string,
  extra: Partial<MonitorResult> = {},
): MonitorResult {
  const timings = extra.timings ?? {};
  return { outcome, reason, primary: topology.primary, epoch: topology.epoch, timings, durations: durations(timings), ...extra };
}
