/** Health checks: each returns healthy / degraded / unhealthy with values, thresholds and reasons. */
export { system, judge } from './system';
export { http } from './http';
export { tcp } from './tcp';
export { process_ as process } from './process';
export { command } from './command';
export type { HealthStatus, HealthVerdict } from './status';
