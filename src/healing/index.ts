/** Self-healing: configuration, probe semantics and the recovery ladder's decisions (pure). */
export { healingConfig, HealingConfigError, DEFAULT_BACKOFF } from './config';
export { CheckTracker, healthScore, settled, outcomeAtEnd } from './tracker';
export { plan, initialState, backoffMs, type PlanInput } from './plan';
export type * from './types';
