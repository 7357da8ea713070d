/**
 * One analysis metric's running tally, in Argo Rollouts' terms: each measurement is
 * successful, failed, inconclusive (no data, or neither condition decided) or an error (the
 * provider could not answer — not a failure). Pure bookkeeping; the step decides when to measure.
 */
import type { AnalysisMetric } from '../src/dsl/types';

export type Verdict = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
export type Outcome = 'successful' | 'failed' | 'inconclusive' | 'error';

export interface Measurement {
  at: string;
  value?: number | null;
  outcome: Outcome;
  error?: string;
}

/** History is not a time-series store: a long background analysis keeps its last measurements and its counts. */
const KEPT_MEASUREMENTS = 30;

export class MetricTally {
  successful = 0;
  failed = 0;
  inconclusive = 0;
  errors = 0;
  consecutiveErrors = 0;
  readonly measurements: Measurement[] = [];

  constructor(readonly spec: AnalysisMetric) {}

  add(m: Measurement): void {
    this[m.outcome === 'error' ? 'errors' : m.outcome] += 1;
    this.consecutiveErrors = m.outcome === 'error' ? this.consecutiveErrors + 1 : 0;
    this.measurements.push(m);
    if (this.measurements.length > KEPT_MEASUREMENTS) this.measurements.shift();
  }

  /** Undefined while the metric may still pass; otherwise why it cannot. */
  verdict(): Verdict | undefined {
    if (this.failed > (this.spec.failureLimit ?? 0)) return 'Failed';
    if (this.consecutiveErrors > (this.spec.consecutiveErrorLimit ?? 4)) return 'Error';
    if (this.inconclusive > (this.spec.inconclusiveLimit ?? 0)) return 'Inconclusive';
    return undefined;
  }

  /** Argo's rule: failure wins; a success condition that is false fails unless a failure condition exists to decide. */
  static outcome(success: boolean | undefined, failure: boolean | undefined): Outcome {
    if (failure === true) return 'failed';
    if (success === true) return 'successful';
    if (success === false) return failure === undefined ? 'failed' : 'inconclusive';
    return failure === false ? 'successful' : 'inconclusive';
  }

  report(): Record<string, unknown> {
    return {
      name: this.spec.name,
      verdict: this.verdict() ?? 'Successful',
      successful: this.successful,
      failed: this.failed,
      inconclusive: this.inconclusive,
      errors: this.errors,
      measurements: this.measurements,
    };
  }
}

/** The verdict of a whole analysis: any failure fails it, then errors, then inconclusive results. */
export function overallVerdict(verdicts: (Verdict | undefined)[]): Verdict {
  for (const v of ['Failed', 'Error', 'Inconclusive'] as const) if (verdicts.includes(v)) return v;
  return 'Successful';
}
