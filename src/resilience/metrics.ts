/** What a breaker reports about itself: its state, its window, the thresholds in effect, and running totals. */
import type { TrialCounts } from './half-open';
import type { BreakerState, OverrideInfo } from './states';

/** Running totals since the breaker was made; never reset, so a scraper can derive rates. */
export interface BreakerTotals {
  calls: number;
  successes: number;
  failures: number;
  slowCalls: number;
  rejections: number;
  /** Results that arrived after a transition (or were released by a cancelled caller) and so counted for nothing. */
  ignored: number;
  stateChanges: number;
}

export interface BreakerMetrics {
  name: string;
  state: BreakerState;
  /** Epoch ms of this reading. */
  at: number;
  /** Trips since the breaker last closed normally (the open-duration backoff exponent). */
  consecutiveTrips: number;
  /** Epoch ms when an open breaker lets trial calls through. */
  openUntil?: number;
  /** Why it last opened. */
  lastTrip?: string;
  forcedBy?: OverrideInfo;
  window: { kind: 'count' | 'time'; size: number; calls: number; failures: number; slowCalls: number; failureRate: number; slowCallRate: number };
  /** The thresholds in effect now, after adaptation to the host's `pressure` (0–1). */
  thresholds: { failureRate: number; slowCallRate: number; pressure: number };
  halfOpen: TrialCounts;
  totals: BreakerTotals;
}
