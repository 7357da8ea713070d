/**
 * Breaker defaults from the environment. Every variable, its default and its meaning is in
 * BREAKER_ENV below (docs/configuration.md is generated from it). Bad values fail
 * the worker at start with the variable's name, never silently fall back.
 */
import { parseDuration } from '../dsl/duration';
import { BreakerConfigError } from './errors';
import { DEFAULT_BREAKER_OPTIONS, resolveOptions, type BreakerOptions } from './options';

export const BREAKER_ENV = {
  GENIE_BREAKER: ['on', '`off` takes every breaker out of the path (calls pass, nothing is counted)'],
  GENIE_BREAKER_WINDOW: [
    'count:20',
    'the calls rates are judged over: `count:N` (last N calls) or `time:D` (calls of the last D, e.g. `time:60s`, 1-second buckets)',
  ],
  GENIE_BREAKER_MIN_CALLS: ['5', 'no rate is judged before the window holds this many calls'],
  GENIE_BREAKER_FAILURE_RATE: ['50', 'open at this percentage of failed calls (5xx, connect errors, timeouts)'],
  GENIE_BREAKER_SLOW_CALL_RATE: ['100', 'open at this percentage of slow calls'],
  GENIE_BREAKER_SLOW_CALL: ['10s', 'a call that takes at least this long is slow'],
  GENIE_BREAKER_HALF_OPEN_CALLS: ['2', 'trial calls let through when the open duration ends'],
  GENIE_BREAKER_OPEN: ['5s', 'open duration after a first trip'],
  GENIE_BREAKER_OPEN_BACKOFF: ['2', 'multiplier of the open duration for each consecutive trip'],
  GENIE_BREAKER_OPEN_MAX: ['5m', 'longest open duration'],
  GENIE_BREAKER_ADAPTIVE: ['50', 'percentage by which thresholds shrink at full host load (0: not adaptive; at most 90)'],
  GENIE_BREAKER_LOAD_SAMPLE: ['1s', 'how often the background sampler reads CPU, memory and event-loop delay'],
  GENIE_BREAKER_SYNC: ['250ms', 'how often a worker polls the `breakers` workflow for operator overrides'],
  GENIE_BREAKER_SYNC_WAIT: ['3s', 'at worker start, how long outbound calls wait for the first overrides before going ahead without them'],
} as const;

export type BreakerEnvName = keyof typeof BREAKER_ENV;

export interface BreakerSettings {
  enabled: boolean;
  options: BreakerOptions;
  loadSampleMs: number;
  syncIntervalMs: number;
  syncWaitMs: number;
}

type Env = Record<string, string | undefined>;

function raw(env: Env, name: BreakerEnvName): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function fail(name: BreakerEnvName, value: string, rule: string): never {
  throw new BreakerConfigError(`${name}=${value} is not valid: ${rule} (default ${BREAKER_ENV[name][0]})`);
}

function duration(env: Env, name: BreakerEnvName, fallback: number, min = 0): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    return fail(name, value, 'write a duration such as 500ms, 5s or 5m');
  }
  return ms >= min ? ms : fail(name, value, `at least ${min}ms`);
}

function number(env: Env, name: BreakerEnvName, fallback: number, min: number, max: number, integer = false): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    fail(name, value, `a ${integer ? 'whole ' : ''}number from ${min} to ${max}`);
  return n;
}

function windowOf(env: Env): BreakerOptions['window'] {
  const value = raw(env, 'GENIE_BREAKER_WINDOW');
  if (value === undefined) return { ...DEFAULT_BREAKER_OPTIONS.window };
  const count = /^count:(\d+)$/.exec(value);
  if (count) return { type: 'count', size: Number(count[1]) };
  const time = /^time:(.+)$/.exec(value);
  if (time) {
    let ms = NaN;
    try {
      ms = parseDuration(time[1]);
    } catch {
      // reported below
    }
    if (ms >= 1000 && ms % 1000 === 0) return { type: 'time', size: ms / 1000 };
  }
  return fail('GENIE_BREAKER_WINDOW', value, 'write count:N (e.g. count:20) or time:D in whole seconds (e.g. time:60s)');
}

export function breakerSettingsFromEnv(env: Env = process.env): BreakerSettings {
  const switchValue = raw(env, 'GENIE_BREAKER')?.toLowerCase();
  if (switchValue !== undefined && !['on', 'off', 'true', 'false'].includes(switchValue)) fail('GENIE_BREAKER', switchValue, 'on or off');
  const d = DEFAULT_BREAKER_OPTIONS;
  const partial: Partial<BreakerOptions> = {
    window: windowOf(env),
    minimumCalls: number(env, 'GENIE_BREAKER_MIN_CALLS', d.minimumCalls, 1, 100_000, true),
    failureRateThreshold: number(env, 'GENIE_BREAKER_FAILURE_RATE', d.failureRateThreshold * 100, 1, 100) / 100,
    slowCallRateThreshold: number(env, 'GENIE_BREAKER_SLOW_CALL_RATE', d.slowCallRateThreshold * 100, 1, 100) / 100,
    slowCallDurationMs: duration(env, 'GENIE_BREAKER_SLOW_CALL', d.slowCallDurationMs, 1),
    halfOpenCalls: number(env, 'GENIE_BREAKER_HALF_OPEN_CALLS', d.halfOpenCalls, 1, 1000, true),
    openDurationMs: duration(env, 'GENIE_BREAKER_OPEN', d.openDurationMs),
    openBackoffMultiplier: number(env, 'GENIE_BREAKER_OPEN_BACKOFF', d.openBackoffMultiplier, 1, 100),
    maxOpenDurationMs: duration(env, 'GENIE_BREAKER_OPEN_MAX', d.maxOpenDurationMs),
    adaptiveTightening: number(env, 'GENIE_BREAKER_ADAPTIVE', d.adaptiveTightening * 100, 0, 90) / 100,
  };
  let options: BreakerOptions;
  try {
    options = resolveOptions(partial);
  } catch (error) {
    // resolveOptions speaks in option names; say which variables combine badly.
    throw new BreakerConfigError(`GENIE_BREAKER_* settings: ${(error as Error).message}`);
  }
  return {
    enabled: switchValue !== 'off' && switchValue !== 'false',
    options,
    loadSampleMs: duration(env, 'GENIE_BREAKER_LOAD_SAMPLE', 1000, 50),
    syncIntervalMs: duration(env, 'GENIE_BREAKER_SYNC', 250, 10),
    syncWaitMs: duration(env, 'GENIE_BREAKER_SYNC_WAIT', 3000),
  };
}
