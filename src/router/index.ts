/** The traffic router: a reverse proxy with weighted routes, mirroring, faults and metrics, driven by its admin API. */
export { startRouter, type RouterOptions, type RunningRouter } from './server';
export { parseRouterConfig, checkRouterConfig } from './config-validate';
export type { RouterConfig, PoolConfig, RouteConfig, MirrorConfig, FaultsConfig } from './config-schema';
export { RouterError, RouterConfigError, VersionConflictError, type ConfigProblem } from './errors';
export type { ShadowPair, CapturedRequest, CapturedResponse } from './shadow-ring';
export type { ScopeStats } from './metrics';
