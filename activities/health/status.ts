/**
 * The one verdict every health check returns: healthy, degraded or unhealthy, with the
 * measured values, the thresholds they were judged against, and the reasons in words.
 * A check reports; it fails the step only when asked to (failOnUnhealthy), because "the
 * service is down" is a finding, not an error of the check.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { Duration } from '../../src/dsl/types';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthVerdict {
  status: HealthStatus;
  reasons: string[];
}

export const FailOnUnhealthy = Type.Optional(Type.Boolean({ description: 'Fail (HEALTH_THRESHOLD, retryable) instead of returning status unhealthy' }));

/** The arguments every latency-judged probe takes: how long to wait, when slow is degraded, when it is down. */
export const latencyProbeArgs = {
  timeout: Type.Optional(Duration),
  degradedLatencyMs: Type.Optional(Type.Number({ minimum: 0 })),
  maxLatencyMs: Type.Optional(Type.Number({ minimum: 0 })),
  failOnUnhealthy: FailOnUnhealthy,
};

export function worst(statuses: HealthStatus[]): HealthStatus {
  if (statuses.includes('unhealthy')) return 'unhealthy';
  return statuses.includes('degraded') ? 'degraded' : 'healthy';
}

/** A value against an optional degraded bound and an optional unhealthy bound (higher is worse). */
export function judgeUpper(metric: string, value: number, unit: string, degradedAt?: number, unhealthyAt?: number): { status: HealthStatus; reason?: string } {
  if (unhealthyAt !== undefined && value >= unhealthyAt)
    return { status: 'unhealthy', reason: `${metric} ${value}${unit} is at or above ${unhealthyAt}${unit}` };
  if (degradedAt !== undefined && value >= degradedAt) return { status: 'degraded', reason: `${metric} ${value}${unit} is at or above ${degradedAt}${unit}` };
  return { status: 'healthy' };
}

/** Folds judgements into a verdict; throws HEALTH_THRESHOLD when unhealthy and the step asked to fail. */
export function verdict<T extends object>(
  target: string,
  judged: { status: HealthStatus; reason?: string }[],
  result: T,
  failOnUnhealthy?: boolean,
): T & HealthVerdict {
  const status = worst(judged.map((j) => j.status));
  const out = { ...result, status, reasons: judged.flatMap((j) => (j.reason ? [j.reason] : [])) };
  if (status === 'unhealthy' && failOnUnhealthy) {
    throw ApplicationFailure.create({
      type: 'HEALTH_THRESHOLD',
      message: `${target} unhealthy: ${out.reasons.join('; ')}`,
      nonRetryable: false,
      details: [out],
    });
  }
  return out;
}
