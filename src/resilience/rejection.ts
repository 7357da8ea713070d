/** The words of a rejection: which destination, why, and when a call may pass again. */
import type { InnerState } from './inner-state';
import type { Rejection } from './states';

/**
 * Each rejecting state speaks from its own fields: forced-open names who forced it, open its
 * deadline and last trip. A state that admits calls reads as an open breaker due now (a retry
 * may go at once); the breaker asks only after rejecting, so that is a caller's race.
 */
export function describeRejection(breaker: string, s: InnerState, now: number, halfOpenCalls: number): Rejection {
  if (s.mode === 'forced-open') {
    const f = s.forcedBy;
    const who = f ? ` by ${f.by}${f.reason ? ` (${f.reason})` : ''}${f.at ? ` at ${f.at}` : ''}` : '';
    return {
      breaker,
      state: s.mode,
      ...(f ? { forced: f } : {}),
      message: `circuit breaker for ${breaker} is forced open${who}; calls are rejected until an operator runs \`genie breaker reset ${breaker}\``,
    };
  }
  if (s.mode === 'half-open') {
    return {
      breaker,
      state: s.mode,
      message: `circuit breaker for ${breaker} is half-open: its ${halfOpenCalls} trial call${halfOpenCalls === 1 ? ' is' : 's are'} in flight and decide whether it closes; try again in a moment`,
    };
  }
  const until = s.mode === 'open' ? s.openUntil : now;
  const lastTrip = s.mode === 'open' ? s.lastTrip : undefined;
  const retryAfterMs = Math.max(0, until - now);
  return {
    breaker,
    state: 'open',
    until,
    retryAfterMs,
    message: `circuit breaker for ${breaker} is open${lastTrip ? ` (${lastTrip})` : ''}; calls are rejected until ${new Date(until).toISOString()} (in ${seconds(retryAfterMs)}), then trial calls decide whether it closes`,
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
