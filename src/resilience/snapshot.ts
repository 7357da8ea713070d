/**
 * A breaker's state as JSON: `breaker.toJSON()` writes it, `new CircuitBreaker({ restore })`
 * reads it back — in another process, or after a restart. The window is restored only into a
 * window of the same kind and size (otherwise the breaker starts with an empty one), and a
 * half-open breaker comes back half-open with no trial in flight (the old trials' results
 * died with the old process).
 */
import type { BreakerState, OverrideInfo } from './states';
import type { WindowSnapshot } from './window';

export interface BreakerSnapshot {
  version: 1;
  name: string;
  state: BreakerState;
  /** Epoch ms the snapshot was taken. */
  savedAt: number;
  consecutiveTrips: number;
  openUntil?: number;
  lastTrip?: string;
  forcedBy?: OverrideInfo;
  window: WindowSnapshot;
}

const STATES: readonly BreakerState[] = ['closed', 'open', 'half-open', 'forced-open', 'forced-closed', 'disabled'];

/** Whether `value` is a snapshot this version can restore (JSON from disk or the network is checked, not trusted). */
export function isBreakerSnapshot(value: unknown): value is BreakerSnapshot {
  const s = value as Partial<BreakerSnapshot> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.version === 1 &&
    typeof s.name === 'string' &&
    STATES.includes(s.state as BreakerState) &&
    typeof s.consecutiveTrips === 'number' &&
    typeof s.window === 'object' &&
    s.window !== null &&
    (s.window.kind === 'count' ? Array.isArray(s.window.outcomes) : s.window.kind === 'time' && Array.isArray(s.window.buckets))
  );
}
