/**
 * How long a breaker stays open: the base duration after a first trip, doubling (by default)
 * for every consecutive trip — the half-open trials failed again — up to a cap. A successful
 * half-open closes the breaker and starts the count over, so a destination that recovers is
 * not punished for its past.
 */
import type { BreakerOptions } from './options';

export function openDurationMs(consecutiveTrips: number, o: Pick<BreakerOptions, 'openDurationMs' | 'openBackoffMultiplier' | 'maxOpenDurationMs'>): number {
  const exponent = Math.max(0, consecutiveTrips - 1);
  return Math.min(o.maxOpenDurationMs, o.openDurationMs * o.openBackoffMultiplier ** exponent);
}
