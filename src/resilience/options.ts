/**
 * What a breaker can be told, every option documented where it is declared, and the checks
 * that turn a partial set into a complete, valid one. Defaults suit runbook traffic: a few
 * calls a minute to a destination, where five failures in the last twenty calls is a trend.
 */
import { BreakerConfigError } from './errors';

export interface BreakerOptions {
  /**
   * The recent calls the rates are judged over.
   * `count`: the last `size` calls. `time`: the calls of the last `size` seconds (one bucket
   * per second). Default `{ type: 'count', size: 20 }`.
   */
  window: { type: 'count' | 'time'; size: number };
  /** No rate is judged before the window holds this many calls (2 failures of 2 is not a trend). Default 5. */
  minimumCalls: number;
  /** Open when at least this fraction (0 < x ≤ 1) of the window's calls failed. Default 0.5. */
  failureRateThreshold: number;
  /** Open when at least this fraction (0 < x ≤ 1) of the window's calls were slow. Default 1: every call. */
  slowCallRateThreshold: number;
  /** A call that takes at least this many milliseconds is slow, whether it failed or not. Default 10,000. */
  slowCallDurationMs: number;
  /**
   * Half-open lets this many trial calls through; more are rejected until they finish. The
   * breaker closes when all of them finished under the thresholds, and opens again as soon
   * as their failures (or slow calls) reach a threshold. Default 2.
   */
  halfOpenCalls: number;
  /** How long the breaker stays open after a trip before trying half-open. Default 5,000 ms. */
  openDurationMs: number;
  /** Every consecutive trip (the half-open trials failed again) multiplies the open duration by this. Default 2. */
  openBackoffMultiplier: number;
  /** The open duration never exceeds this. Default 300,000 ms (5 minutes). */
  maxOpenDurationMs: number;
  /**
   * Adaptive thresholds: at full host load (pressure 1) both rate thresholds shrink by this
   * fraction, linearly in between; 0 turns adaptation off. Default 0.5 (50% becomes 25%).
   * At most 0.9, so a threshold never reaches zero. See adaptive.ts for why.
   */
  adaptiveTightening: number;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<BreakerOptions> = Object.freeze({
  window: Object.freeze({ type: 'count' as const, size: 20 }),
  minimumCalls: 5,
  failureRateThreshold: 0.5,
  slowCallRateThreshold: 1,
  slowCallDurationMs: 10_000,
  halfOpenCalls: 2,
  openDurationMs: 5_000,
  openBackoffMultiplier: 2,
  maxOpenDurationMs: 300_000,
  adaptiveTightening: 0.5,
});

/** Window sizes beyond these are a typo, and would allocate needlessly. */
const MAX_COUNT_WINDOW = 100_000;
const MAX_TIME_WINDOW_SECONDS = 3_600;

function check(ok: boolean, option: string, rule: string, value: unknown): void {
  if (!ok) throw new BreakerConfigError(`breaker option ${option} must be ${rule}, not ${JSON.stringify(value)}`);
}

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isFraction = (v: unknown): boolean => typeof v === 'number' && v > 0 && v <= 1;
const isMs = (v: unknown): boolean => typeof v === 'number' && v >= 0 && Number.isFinite(v);

/** Defaults filled in and every value checked; throws BreakerConfigError naming the option. */
export function resolveOptions(partial: Partial<BreakerOptions> = {}): BreakerOptions {
  const o: BreakerOptions = { ...DEFAULT_BREAKER_OPTIONS, ...partial, window: { ...DEFAULT_BREAKER_OPTIONS.window, ...partial.window } };
  check(o.window.type === 'count' || o.window.type === 'time', 'window.type', '"count" or "time"', o.window.type);
  const maxSize = o.window.type === 'count' ? MAX_COUNT_WINDOW : MAX_TIME_WINDOW_SECONDS;
  check(isInt(o.window.size, 1, maxSize), 'window.size', `a whole number from 1 to ${maxSize}`, o.window.size);
  check(isInt(o.minimumCalls, 1), 'minimumCalls', 'a whole number ≥ 1', o.minimumCalls);
  if (o.window.type === 'count') {
    check(o.minimumCalls <= o.window.size, 'minimumCalls', `at most the window size (${o.window.size}), or the breaker could never open`, o.minimumCalls);
  }
  check(isFraction(o.failureRateThreshold), 'failureRateThreshold', 'a fraction in (0, 1]', o.failureRateThreshold);
  check(isFraction(o.slowCallRateThreshold), 'slowCallRateThreshold', 'a fraction in (0, 1]', o.slowCallRateThreshold);
  check(
    typeof o.slowCallDurationMs === 'number' && o.slowCallDurationMs > 0,
    'slowCallDurationMs',
    'a positive number of ms (Infinity: never slow)',
    o.slowCallDurationMs,
  );
  check(isInt(o.halfOpenCalls, 1, 1000), 'halfOpenCalls', 'a whole number from 1 to 1000', o.halfOpenCalls);
  check(isMs(o.openDurationMs), 'openDurationMs', 'a number of ms ≥ 0', o.openDurationMs);
  check(typeof o.openBackoffMultiplier === 'number' && o.openBackoffMultiplier >= 1, 'openBackoffMultiplier', 'a number ≥ 1', o.openBackoffMultiplier);
  check(
    isMs(o.maxOpenDurationMs) && o.maxOpenDurationMs >= o.openDurationMs,
    'maxOpenDurationMs',
    `a number of ms ≥ openDurationMs (${o.openDurationMs})`,
    o.maxOpenDurationMs,
  );
  check(
    typeof o.adaptiveTightening === 'number' && o.adaptiveTightening >= 0 && o.adaptiveTightening <= 0.9,
    'adaptiveTightening',
    'a fraction from 0 to 0.9',
    o.adaptiveTightening,
  );
  return o;
}
