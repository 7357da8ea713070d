/**
 * How a demo service misbehaves: its error rate and its latency distribution. Set by flags
 * at start and changed at run time through the service's admin endpoint, so chaos and canary
 * tests can make a healthy version sick (and well again) without restarting it.
 */
import { parseDuration } from '../dsl/duration';
import { GenieError } from '../errors/genie-error';

export const DISTRIBUTIONS = ['uniform', 'normal', 'exponential'] as const;
export type LatencyDistribution = (typeof DISTRIBUTIONS)[number];

export interface DemoBehavior {
  /** Share of requests answered with errorStatus, 0-1. */
  errorRate: number;
  errorStatus: number;
  /** Base latency in ms. */
  latencyMs: number;
  /**
   * Spread in ms: uniform ±jitter around the base; normal with jitter as standard deviation;
   * exponential with jitter as the mean of the tail added to the base.
   */
  jitterMs: number;
  distribution: LatencyDistribution;
}

export const DEFAULT_BEHAVIOR: DemoBehavior = { errorRate: 0, errorStatus: 500, latencyMs: 0, jitterMs: 0, distribution: 'uniform' };

export class BehaviorError extends GenieError {
  readonly code = 'DEMO_BAD_BEHAVIOR';
}

/** One request's latency in ms (never negative). */
export function sampleLatencyMs(b: DemoBehavior, random: () => number = Math.random): number {
  if (b.jitterMs <= 0) return b.latencyMs;
  let offset: number;
  if (b.distribution === 'uniform') offset = (random() * 2 - 1) * b.jitterMs;
  else if (b.distribution === 'normal') offset = gaussian(random) * b.jitterMs;
  else offset = -Math.log(1 - random()) * b.jitterMs;
  return Math.max(0, b.latencyMs + offset);
}

/** Box-Muller: one standard normal draw. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `0.2`, `20%` → 0.2. */
export function parseRate(value: unknown, what = 'error rate'): number {
  const text = String(value).trim();
  const rate = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text === '' || !Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new BehaviorError(`${what} must be between 0 and 1 (or 0% and 100%), not ${JSON.stringify(value)}`);
  return rate;
}

/** `20ms`, `1s`, or a number of ms. */
export function parseLatency(value: unknown, what = 'latency'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new BehaviorError(`${what} must be a non-negative number of ms, not ${value}`);
    return value;
  }
  try {
    return parseDuration(String(value));
  } catch (error) {
    throw new BehaviorError(`${what}: ${(error as Error).message}`);
  }
}

/** A run-time change: only the fields given change; anything invalid refuses the whole change. */
export function applyBehaviorPatch(current: DemoBehavior, patch: unknown): DemoBehavior {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw new BehaviorError('send a JSON object, e.g. {"errorRate": 0.2, "latency": "50ms"}');
  const p = patch as Record<string, unknown>;
  const known = new Set(['errorRate', 'errorStatus', 'latency', 'latencyMs', 'jitter', 'jitterMs', 'distribution']);
  const unknown = Object.keys(p).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new BehaviorError(`unknown field(s) ${unknown.join(', ')}; use ${[...known].join(', ')}`);
  const next = { ...current };
  if (p.errorRate !== undefined) next.errorRate = parseRate(p.errorRate);
  if (p.errorStatus !== undefined) next.errorStatus = parseStatus(p.errorStatus);
  const latency = p.latency ?? p.latencyMs;
  if (latency !== undefined) next.latencyMs = parseLatency(latency);
  const jitter = p.jitter ?? p.jitterMs;
  if (jitter !== undefined) next.jitterMs = parseLatency(jitter, 'jitter');
  if (p.distribution !== undefined) next.distribution = parseDistribution(p.distribution);
  return next;
}

export function parseStatus(value: unknown): number {
  const status = Number(value);
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new BehaviorError(`error status must be 400-599, not ${JSON.stringify(value)}`);
  return status;
}

export function parseDistribution(value: unknown): LatencyDistribution {
  if (!DISTRIBUTIONS.includes(value as LatencyDistribution))
    throw new BehaviorError(`distribution must be one of ${DISTRIBUTIONS.join(', ')}, not ${JSON.stringify(value)}`);
  return value as LatencyDistribution;
}
