/**
 * Adaptive thresholds. A host under load (CPU, memory, event-loop delay) pays more for every
 * call to a failing destination — sockets, buffers and event-loop time held while it waits —
 * and has less to spare. So the busier the host, the sooner a breaker gives up on a failing
 * destination: threshold × (1 − tightening × pressure). With the defaults (50%, 0.5) an idle
 * host opens at 50% failures, a saturated one at 25%.
 *
 * Pressure comes from a LoadSource that a background sampler updates; reading it is a field
 * read, and it is read only when a failed or slow call is judged, never per call.
 */

export function tightened(threshold: number, tightening: number, pressure: number): number {
  const p = pressure > 1 ? 1 : pressure > 0 ? pressure : 0;
  return threshold * (1 - tightening * p);
}

export const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;

/** ", tightened from 50% by host load 80%" when adaptation changed a threshold, for trip reasons. */
export function adaptedNote(base: number, tightening: number, pressure: number): string {
  return pressure > 0 && tightening > 0 ? `, tightened from ${percent(base)} by host load ${percent(Math.min(1, pressure))}` : '';
}
