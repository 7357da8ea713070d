/**
 * A Genie worker: the `runbook` workflow plus every registered action, on one task queue.
 * Workers are stateless; run as many as you like against the same cluster.
 */
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { activityImplementations } from '../../activities/registry';
import * as loader from '../../activities/runbook-loader';
import { withAttempt } from '../../activities/envelope';

export const WORKFLOWS_PATH = require.resolve('../../workflows');

export interface GenieWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (tests and benchmarks build it once); otherwise bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra workflows module (benchmarks); replaces the default path. */
  workflowsPath?: string;
  extraActivities?: Record<string, (...args: any[]) => Promise<unknown>>;
  maxCachedWorkflows?: number;
}

/** Every action wrapped to report its attempt, plus the runbook loader. */
export function genieActivities(): Record<string, (...args: any[]) => Promise<unknown>> {
  const wrapped = Object.fromEntries(Object.entries(activityImplementations()).map(([name, run]) => [name, withAttempt(run)]));
  return { ...wrapped, ...loader };
}

export async function createGenieWorker(opts: GenieWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: opts.workflowsPath ?? WORKFLOWS_PATH }),
    activities: { ...genieActivities(), ...opts.extraActivities },
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}

export async function bundleGenieWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error } as never });
}
