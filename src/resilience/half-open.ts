/**
 * The trial calls of a half-open breaker: at most `permits` go through; their outcomes decide.
 * The breaker opens again as soon as the trials' failures (or slow calls), counted against all
 * permits, reach a threshold — no need to wait for the rest — and closes once every permit
 * finished below both. A half-open state owns one (inner-state.ts); leaving it drops it.
 */
export type TrialVerdict = { decision: 'open' | 'close'; reason: string } | undefined;

export class HalfOpenTrials {
  admitted = 0;
  done = 0;
  failures = 0;
  slowCalls = 0;

  constructor(readonly permits: number) {}

  tryAdmit(): boolean {
    if (this.admitted >= this.permits) return false;
    this.admitted++;
    return true;
  }

  /** A trial ended without an outcome (its caller cancelled): its permit goes back. */
  release(): void {
    if (this.admitted > this.done) this.admitted--;
  }

  record(failed: boolean, slow: boolean, failureLimit: number, slowLimit: number): TrialVerdict {
    this.done++;
    if (failed) this.failures++;
    if (slow) this.slowCalls++;
    const n = this.permits;
    if (this.failures / n >= failureLimit) return { decision: 'open', reason: `${this.failures} of ${n} half-open trial calls failed` };
    if (this.slowCalls / n >= slowLimit) return { decision: 'open', reason: `${this.slowCalls} of ${n} half-open trial calls were slow` };
    if (this.done >= n) return { decision: 'close', reason: `${n} half-open trial call${n === 1 ? '' : 's'} succeeded` };
    return undefined;
  }

  counts(): TrialCounts {
    return { admitted: this.admitted, done: this.done, failures: this.failures, slowCalls: this.slowCalls };
  }
}

export interface TrialCounts {
  admitted: number;
  done: number;
  failures: number;
  slowCalls: number;
}

/** What metrics report for the trials of a breaker that is not half-open. */
export const NO_TRIALS: Readonly<TrialCounts> = Object.freeze({ admitted: 0, done: 0, failures: 0, slowCalls: 0 });
