/**
 * A worker's circuit breakers: its activities run with the worker's registry, the `breakers`
 * workflow is started (idempotently) at worker start, and the registry follows its overrides
 * until the worker stops. Breaker state changes are logged through the worker's logger.
 */
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import { breakerSettings, processBreakers } from './current';
import { BreakerOverrideSync } from './override-sync';
import { ensureBreakersWorkflow } from './overrides-client';
import type { BreakerRegistry } from './registry';

export interface WorkerBreakersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The worker's data converter (payload encryption): the workflow's answers must be readable. */
  dataConverter?: DataConverter;
  /** Default: the process registry (GENIE_BREAKER_* defaults, shared load sampler). */
  registry?: BreakerRegistry;
  /** Default: GENIE_BREAKER_SYNC. */
  syncIntervalMs?: number;
  /** Default: GENIE_BREAKER_SYNC_WAIT. */
  syncWaitMs?: number;
}

const STOPPING = new Set(['STOPPING', 'DRAINING', 'DRAINED', 'STOPPED', 'FAILED']);

/** Starts following the overrides for `worker`; the loop ends by itself when the worker stops. */
export async function followBreakerOverrides(worker: Worker, opts: WorkerBreakersOptions): Promise<BreakerOverrideSync> {
  const settings = breakerSettings();
  const registry = opts.registry ?? processBreakers();
  const logger = Runtime.instance().logger;
  const client = new Client({ connection: opts.connection, namespace: opts.namespace, ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}) });
  // Until the first answer, outbound calls wait (briefly): a new worker starts with the current overrides.
  registry.expectOverrides(opts.syncWaitMs ?? settings.syncWaitMs);
  try {
    await ensureBreakersWorkflow(client, opts.taskQueue);
  } catch (error) {
    // Breakers still work without overrides; a worker must not fail to start over them.
    logger.warn('cannot start the breakers workflow; circuit-breaker overrides will apply once it runs', { error: (error as Error)?.message });
  }
  const subscription = registry.onStateChange((c) => {
    const meta = { breaker: c.breaker, from: c.from, to: c.to, reason: c.reason, taskQueue: opts.taskQueue };
    // An automatic trip is news; an operator's override is already logged as "overrides in force".
    if (c.to === 'open') logger.warn(`circuit breaker ${c.to}: ${c.breaker}`, meta);
    else logger.info(`circuit breaker ${c.to}: ${c.breaker}`, meta);
  });
  const sync = new BreakerOverrideSync({
    client,
    taskQueue: opts.taskQueue,
    registry,
    intervalMs: opts.syncIntervalMs ?? settings.syncIntervalMs,
    stopped: () => {
      const done = STOPPING.has(worker.getState());
      if (done) subscription.dispose();
      return done;
    },
    warn: (message) => logger.warn(message, { taskQueue: opts.taskQueue }),
    applied: (view, changed) => {
      const forced = Object.fromEntries(Object.entries(view.overrides).map(([name, o]) => [name, `${o.state} by ${o.by}: ${o.reason}`]));
      logger.info('circuit-breaker overrides in force', { version: view.version, forced, changed, taskQueue: opts.taskQueue });
    },
  });
  return sync.start();
}

/**
 * The registry a worker's activities use: `true` means the process registry (none when
 * GENIE_BREAKER=off, so calls bypass breakers and overrides alike); a registry is used as is.
 */
export function workerRegistry(option: true | BreakerRegistry | undefined): BreakerRegistry | undefined {
  if (option !== true) return option;
  return breakerSettings().enabled ? processBreakers() : undefined;
}
