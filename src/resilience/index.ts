/**
 * Circuit breakers for outbound calls: one per destination, adaptive to host load, with
 * operator overrides that every worker follows. Start at breaker.ts (the state machine) and
 * registry.ts (breakers by destination); src/http/client.ts is the main user.
 */
export { CircuitBreaker, REJECTED, type BreakerInit } from './breaker';
export { ManualClock, systemClock, type Clock } from './clock';
export { BreakerConfigError, BreakerNameError, BreakerOpenError } from './errors';
export { DEFAULT_BREAKER_OPTIONS, resolveOptions, type BreakerOptions } from './options';
export { BreakerRegistry, type OverrideMap, type RegistryInit } from './registry';
export { currentBreakers, processBreakers, scopedToBreakers, withBreakers } from './current';
export { BREAKER_ENV, breakerSettingsFromEnv, type BreakerSettings } from './env';
export { LoadSampler, hostLoadReader, sharedLoadSampler, type LoadReader } from './load-sampler';
export { DEFAULT_PRESSURE_MARKS, NO_LOAD, pressureOf, type LoadSample, type LoadSource, type PressureMarks } from './load';
export { normalizeBreakerName } from './names';
export type { BreakerMetrics, BreakerTotals } from './metrics';
export type { BreakerSnapshot } from './snapshot';
export type { BreakerState, ForcedState, OverrideInfo, Rejection, StateChange } from './states';
