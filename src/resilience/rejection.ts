/** The words of a rejection: which destination, why, and when a call may pass again. */
import type { BreakerState, OverrideInfo, Rejection } from './states';

export interface RejectionFacts {
  now: number;
  openUntil: number;
  lastTrip?: string;
  forcedBy?: OverrideInfo;
  halfOpenCalls: number;
}

export function describeRejection(breaker: string, state: BreakerState, f: RejectionFacts): Rejection {
  if (state === 'forced-open') {
    const who = f.forcedBy ? ` by ${f.forcedBy.by}${f.forcedBy.reason ? ` (${f.forcedBy.reason})` : ''}${f.forcedBy.at ? ` at ${f.forcedBy.at}` : ''}` : '';
    return {
      breaker, state, ...(f.forcedBy ? { forced: f.forcedBy } : {}),
      message: `circuit breaker for ${breaker} is forced open${who}; calls are rejected until an operator runs \`genie breaker reset ${breaker}\``,
    };
  }
  if (state === 'half-open') {
    return {
      breaker, state,
      message: `circuit breaker for ${breaker} is half-open: its ${f.halfOpenCalls} trial call${f.halfOpenCalls === 1 ? ' is' : 's are'} in flight and decide whether it closes; try again in a moment`,
    };
  }
  const retryAfterMs = Math.max(0, f.openUntil - f.now);
  return {
    breaker, state: 'open', until: f.openUntil, retryAfterMs,
    message: `circuit breaker for ${breaker} is open${f.lastTrip ? ` (${f.lastTrip})` : ''}; calls are rejected until ${new Date(f.openUntil).toISOString()} (in ${seconds(retryAfterMs)}), then trial calls decide whether it closes`,
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
