/**
 * Hysteresis over the quorum's answers about the primary: when a quorum "down" becomes a
 * failover, and when disagreement becomes an escalation.
 *
 * - confirmDown: a quorum "down" must hold continuously this long before it counts.
 * - Flap damping (the idea of BGP route-flap damping): each down episode that ends by itself
 *   adds a penalty of 1, halving every flapHalfLife; the time a down must hold is
 *   confirmDown × (1 + penalty), at most maxConfirmDown. A flapping primary therefore needs
 *   ever longer outages to be failed over, while a primary that really dies is still failed
 *   over (after at most maxConfirmDown).
 * - minHealthy: a region counts as a healthy failover target (or as recovered, for failback)
 *   only after a quorum has said "up" about it continuously this long.
 * - Escalation: more than f observers isolated (no quorum possible), or observers
 *   disagreeing (no quorum either way) for escalateAfter: nobody decides; a human must.
 *
 * Pure: time is passed in, so tests can drive it with any clock.
 */
import type { RegionDecision } from './tracker';

export interface HysteresisOptions {
  confirmDownMs: number;
  maxConfirmDownMs: number;
  flapHalfLifeMs: number;
  minHealthyMs: number;
  escalateAfterMs: number;
}

export const DEFAULT_HYSTERESIS: HysteresisOptions = {
  confirmDownMs: 200,
  maxConfirmDownMs: 3_000,
  flapHalfLifeMs: 30_000,
  minHealthyMs: 2_000,
  escalateAfterMs: 2_000,
};

export type DetectorEvent =
  | { type: 'suspect'; at: number; decision: RegionDecision }
  | { type: 'flap'; at: number; downForMs: number; penalty: number }
  | { type: 'confirmed'; at: number; suspectAt: number; requiredMs: number; decision: RegionDecision }
  | { type: 'escalate'; at: number; reason: string; decision: RegionDecision };

/** Watches one region (the primary) for a failure to act on. */
export class FailureDetector {
  private suspectSince?: number;
  private undecidedSince?: number;
  private penalty = 0;
  private penaltyAt = 0;
  private escalated = false;
  readonly flaps: { at: number; downForMs: number }[] = [];

  constructor(private readonly options: HysteresisOptions = DEFAULT_HYSTERESIS) {}

  /** The penalty now (decayed). */
  currentPenalty(now: number): number {
    return this.penalty * Math.pow(0.5, Math.max(0, now - this.penaltyAt) / this.options.flapHalfLifeMs);
  }

  /** When the current quorum "down" began, if one is open (not yet ended by an up or a lost quorum). */
  openDownSince(): number | undefined {
    return this.suspectSince;
  }

  /** How long a quorum "down" must hold now. */
  requiredDownMs(now: number): number {
    return Math.min(this.options.maxConfirmDownMs, this.options.confirmDownMs * (1 + this.currentPenalty(now)));
  }

  private endEpisode(now: number): DetectorEvent {
    const downForMs = now - this.suspectSince!;
    this.suspectSince = undefined;
    this.penalty = this.currentPenalty(now) + 1;
    this.penaltyAt = now;
    this.flaps.push({ at: now, downForMs });
    return { type: 'flap', at: now, downForMs, penalty: this.penalty };
  }

  /** Feeds the quorum's latest answer; returns what happened, if anything. */
  observe(decision: RegionDecision, now: number): DetectorEvent | undefined {
    if (decision.state === 'no-quorum') {
      if (this.escalated) return undefined;
      this.escalated = true;
      return {
        type: 'escalate',
        at: now,
        reason: `${decision.isolated.length} observers are isolated for equivocating (${decision.isolated.join(', ')}): more than f; no quorum of ${decision.quorum} is possible`,
        decision,
      };
    }
    if (decision.state === 'undecided') {
      this.undecidedSince ??= now;
      // A down episode ends (a flap: the penalty grows) when more than f observers say "up" —
      // at least one honest observer saw the region answer. Verdicts merely going stale (a hung
      // region answers nobody, so its probes end at the timeout) or f liars saying "up" are not
      // a recovery: counting them as flaps damped a hung primary until the window ended quiet
      // (issue 13). A confirmation still needs a fresh down quorum at that moment.
      const f = (decision.quorum - 1) / 2;
      if (this.suspectSince !== undefined && decision.up > f) return this.endEpisode(now);
      if (!this.escalated && now - this.undecidedSince >= this.options.escalateAfterMs) {
        this.escalated = true;
        return {
          type: 'escalate',
          at: now,
          decision,
          reason: `observers disagree about ${decision.region} for ${now - this.undecidedSince}ms (${decision.down} say down, ${decision.up} say up, ${decision.silent} silent; a quorum needs ${decision.quorum}): more than f observers may be faulty`,
        };
      }
      return undefined;
    }
    this.undecidedSince = undefined;
    if (decision.state === 'up') {
      this.escalated = false;
      return this.suspectSince === undefined ? undefined : this.endEpisode(now);
    }
    // down
    if (this.suspectSince === undefined) {
      this.suspectSince = now;
      return { type: 'suspect', at: now, decision };
    }
    const requiredMs = this.requiredDownMs(now);
    if (now - this.suspectSince >= requiredMs) return { type: 'confirmed', at: now, suspectAt: this.suspectSince, requiredMs, decision };
    return undefined;
  }
}

/** Tracks how long each region has been continuously up by quorum (failover targets, failback). */
export class HealthyFor {
  private readonly since = new Map<string, number>();

  observe(decision: RegionDecision, now: number): void {
    if (decision.state === 'up') {
      if (!this.since.has(decision.region)) this.since.set(decision.region, now);
    } else if (decision.state === 'down') this.since.delete(decision.region);
  }

  /** Milliseconds the region has been up by quorum (0 when not up). */
  upForMs(region: string, now: number): number {
    const since = this.since.get(region);
    return since === undefined ? 0 : now - since;
  }
}
