/** The workflows this worker bundle registers. */
export { runbook } from './runbook';
export { breakers } from './breakers';
