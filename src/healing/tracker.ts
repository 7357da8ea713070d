/**
 * Kubernetes probe semantics over a stream of results: a check fails after
 * `failureThreshold` consecutive failures and passes again after `successThreshold`
 * consecutive successes; the trend keeps the newest results. Pure: the watch activity feeds
 * it probe results, tests feed it by hand.
 */
import type { CheckObservation, CheckSpec, HealthStatus, Observation, ProbeSample } from './types';

export class CheckTracker {
  consecutiveFailures = 0;
  consecutiveSuccesses = 0;
  firstFailureAt?: string;
  readonly trend: ProbeSample[];

  constructor(
    readonly spec: CheckSpec,
    trend: ProbeSample[],
    private readonly trendLength: number,
  ) {
    this.trend = trend.slice(-trendLength);
  }

  isFailure(status: HealthStatus): boolean {
    return status === 'unhealthy' || (status === 'degraded' && this.spec.degradedIsFailure);
  }

  push(sample: ProbeSample): void {
    if (this.isFailure(sample.status)) {
      if (this.consecutiveFailures === 0) this.firstFailureAt = sample.at;
      this.consecutiveFailures += 1;
      this.consecutiveSuccesses = 0;
    } else {
      this.consecutiveSuccesses += 1;
      this.consecutiveFailures = 0;
      this.firstFailureAt = undefined;
    }
    this.trend.push(sample);
    if (this.trend.length > this.trendLength) this.trend.shift();
  }

  get verdict(): CheckObservation['verdict'] {
    if (this.consecutiveFailures >= this.spec.failureThreshold) return 'failed';
    if (this.consecutiveSuccesses >= this.spec.successThreshold) return 'passing';
    return 'unknown';
  }

  observation(): CheckObservation {
    const last = this.trend[this.trend.length - 1];
    return {
      name: this.spec.name,
      verdict: this.verdict,
      consecutiveFailures: this.consecutiveFailures,
      consecutiveSuccesses: this.consecutiveSuccesses,
      ...(last ? { last } : {}),
      trend: [...this.trend],
    };
  }
}

/** 0..1 from the latest results: healthy 1, degraded ½, unhealthy 0, averaged over checks. */
export function healthScore(trackers: CheckTracker[]): number {
  if (trackers.length === 0) return 1;
  const points = trackers.map((t): number => {
    const last = t.trend[t.trend.length - 1]?.status;
    return last === 'healthy' ? 1 : last === 'degraded' ? 0.5 : 0;
  });
  return Math.round((points.reduce((a, b) => a + b, 0) / points.length) * 1000) / 1000;
}

/**
 * Has this round of probing settled? A watch returns only on a failed check (a healthy
 * monitor keeps watching); a verification returns as soon as every check passes or one fails.
 */
export function settled(mode: Observation['mode'], trackers: CheckTracker[]): Observation['outcome'] | undefined {
  if (trackers.some((t) => t.verdict === 'failed')) return 'unhealthy';
  if (mode === 'verify' && trackers.every((t) => t.verdict === 'passing')) return 'healthy';
  return undefined;
}

/** The outcome when time runs out: a watch that saw nothing fail is healthy. */
export function outcomeAtEnd(mode: Observation['mode'], trackers: CheckTracker[]): Observation['outcome'] {
  const now = settled(mode, trackers);
  if (now) return now;
  if (trackers.every((t) => t.verdict === 'passing')) return 'healthy';
  return mode === 'watch' && trackers.every((t) => t.consecutiveFailures === 0) ? 'healthy' : 'unsettled';
}
