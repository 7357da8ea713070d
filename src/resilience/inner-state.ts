/**
 * What a breaker holds in each of its states, one shape per state: a field that belongs to
 * one state (open's deadline, half-open's trials, an override's author) does not exist in
 * another, so leaving a state drops its fields and nothing has to be cleared by hand.
 */
import { HalfOpenTrials } from './half-open';
import type { BreakerSnapshot } from './snapshot';
import type { BreakerState, ForcedMode, OverrideInfo } from './states';

/** Trips since the breaker last closed normally: the open-duration backoff, and why it last opened. */
export interface TripHistory {
  consecutiveTrips: number;
  lastTrip?: string;
}

export type InnerState =
  | { readonly mode: 'closed' }
  | ({ readonly mode: 'open'; readonly openUntil: number } & TripHistory)
  | ({ readonly mode: 'half-open'; readonly trials: HalfOpenTrials } & TripHistory)
  // An operator's state keeps the trip history it interrupted, for metrics and for reset() to clear.
  | ({ readonly mode: ForcedMode; readonly forcedBy?: OverrideInfo } & TripHistory);

/** Closing normally (or a reset) forgets the trips: closed carries nothing. */
export const CLOSED: InnerState = Object.freeze({ mode: 'closed' });

export function historyOf(s: InnerState): TripHistory {
  if (s.mode === 'closed') return { consecutiveTrips: 0 };
  return { consecutiveTrips: s.consecutiveTrips, ...(s.lastTrip ? { lastTrip: s.lastTrip } : {}) };
}

export function halfOpen(history: TripHistory, permits: number): InnerState {
  return { mode: 'half-open', trials: new HalfOpenTrials(permits), ...history };
}

/**
 * A saved state back in this process. Only the fields the saved state owns are read: the
 * saving breaker never writes others. A half-open one gets fresh trials (the old ones' results
 * died with the old process).
 */
export function fromSnapshot(s: BreakerSnapshot, permits: number): InnerState {
  const history: TripHistory = { consecutiveTrips: s.consecutiveTrips, ...(s.lastTrip ? { lastTrip: s.lastTrip } : {}) };
  const mode: BreakerState = s.state;
  switch (mode) {
    case 'closed':
      return CLOSED;
    case 'open':
      return { mode, openUntil: s.openUntil ?? 0, ...history };
    case 'half-open':
      return halfOpen(history, permits);
    default:
      return { mode, ...(s.forcedBy ? { forcedBy: s.forcedBy } : {}), ...history };
  }
}
