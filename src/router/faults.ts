/**
 * Fault injection per pool, as chaos experiments use it: added latency, connections reset,
 * and errors answered without going upstream. Decided once per request, independently:
 * first whether to delay, then (after the delay) abort, error, or pass.
 */
import type { CompiledFaults } from './compiled-config';

export type FaultOutcome = 'pass' | 'abort' | 'error';

export interface FaultDecision {
  /** Milliseconds to wait before going on (0 for none). */
  delayMs: number;
  outcome: FaultOutcome;
}

const NONE: FaultDecision = Object.freeze({ delayMs: 0, outcome: 'pass' as const });

export function decideFault(faults: CompiledFaults | undefined, random: () => number = Math.random): FaultDecision {
  if (!faults) return NONE;
  const delayMs = faults.delayPercent > 0 && random() * 100 < faults.delayPercent ? faults.delayMs : 0;
  // One draw for both, so abortPercent + errorPercent is the share that fails.
  const draw = random() * 100;
  const outcome: FaultOutcome = draw < faults.abortPercent ? 'abort' : draw < faults.abortPercent + faults.errorPercent ? 'error' : 'pass';
  return delayMs === 0 && outcome === 'pass' ? NONE : { delayMs, outcome };
}

/** The body of an injected error response: says it was injected, so nobody debugs the upstream. */
export function injectedErrorBody(pool: string, status: number): string {
  return JSON.stringify({ error: { code: 'FAULT_INJECTED', message: `fault injected by the genie router for pool ${pool}`, status } });
}
