/**
 * Which registry an outbound call uses. Each worker may have its own (tests run two workers in
 * one process); the worker runs every activity inside its registry's scope (AsyncLocalStorage),
 * so `httpRequest` finds it without every action passing it along. Outside any scope — the
 * CLI, a unit test calling an action directly — the process registry, made from the
 * environment, is used.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { breakerSettingsFromEnv, type BreakerSettings } from './env';
import { sharedLoadSampler } from './load-sampler';
import { BreakerRegistry } from './registry';

const scope = new AsyncLocalStorage<BreakerRegistry>();
let settings: BreakerSettings | undefined;
let processRegistry: BreakerRegistry | undefined;

/** GENIE_BREAKER_* read once per process (a bad value throws BreakerConfigError at first use). */
export function breakerSettings(): BreakerSettings {
  settings ??= breakerSettingsFromEnv();
  return settings;
}

/** A registry with the environment's defaults and the shared load sampler (when adaptive). */
export function registryFromEnv(): BreakerRegistry {
  const s = breakerSettings();
  return new BreakerRegistry({ options: s.options, ...(s.options.adaptiveTightening > 0 ? { load: sharedLoadSampler(s.loadSampleMs) } : {}) });
}

export function processBreakers(): BreakerRegistry {
  processRegistry ??= registryFromEnv();
  return processRegistry;
}

/** The registry of the running activity's worker, else the process's; undefined when GENIE_BREAKER=off. */
export function currentBreakers(): BreakerRegistry | undefined {
  return scope.getStore() ?? (breakerSettings().enabled ? processBreakers() : undefined);
}

/** Runs `fn` with `registry` as the current one. */
export function withBreakers<T>(registry: BreakerRegistry, fn: () => T): T {
  return scope.run(registry, fn);
}

/** The same activities, each run with `registry` as the current one. */
export function scopedToBreakers<F extends (...args: any[]) => Promise<unknown>>(registry: BreakerRegistry, activities: Record<string, F>): Record<string, F> {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, ((...args: unknown[]) => scope.run(registry, () => fn(...args))) as F]));
}
