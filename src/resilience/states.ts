/** The states a breaker can be in, and the plain data it reports about them. */

/**
 * closed: calls pass and are counted. open: calls are rejected until the open duration
 * ends. half-open: a few trial calls pass and decide. The forced states and disabled are
 * set by operators (durable overrides) and stay until reset:
 * forced-open rejects everything, forced-closed lets everything through (still counting),
 * disabled lets everything through without counting (the breaker is out of the path).
 */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'forced-open' | 'forced-closed' | 'disabled';

/** What an operator can force: the durable overrides speak these words. */
export type ForcedState = 'open' | 'closed' | 'disabled';

/** The states an operator sets. */
export type ForcedMode = Extract<BreakerState, 'forced-open' | 'forced-closed' | 'disabled'>;

export const FORCED_MODE: Record<ForcedState, ForcedMode> = { open: 'forced-open', closed: 'forced-closed', disabled: 'disabled' };

/** Who forced a breaker, and why. */
export interface OverrideInfo {
  by: string;
  reason?: string;
  /** ISO time the override was made (by the breakers workflow). */
  at?: string;
}

export interface StateChange {
  breaker: string;
  from: BreakerState;
  to: BreakerState;
  /** Epoch ms. */
  at: number;
  /** In words: which rate crossed which threshold, or who forced it. */
  reason: string;
}

/** Why a call was not let through; BreakerOpenError carries it. */
export interface Rejection {
  breaker: string;
  state: 'open' | 'half-open' | 'forced-open';
  message: string;
  /** Epoch ms when an open breaker lets trial calls through; absent for half-open and forced-open. */
  until?: number;
  /** Milliseconds until `until`: a sensible delay before the next attempt. */
  retryAfterMs?: number;
  forced?: OverrideInfo;
}
