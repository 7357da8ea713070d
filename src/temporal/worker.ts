/**
 * A Genie worker: the `runbook` workflow plus every registered action, on one task queue.
 * Workers are stateless; run as many as you like against the same cluster.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { bundleGenieWorkflows, loadWorkflowBundle } from './bundle';
import { genieDataConverter } from './data-converter';
import { actions } from '../../activities/registry';
import * as loader from '../../activities/runbook-loader';
import * as policy from '../../activities/policy';
import * as expression from '../../activities/expression';
import { checkWorkerPolicy } from '../policy/worker-policy';
import { withAttempt } from '../../activities/envelope';
import { scopedToBreakers } from '../resilience/current';
import type { BreakerRegistry } from '../resilience/registry';
import { followBreakerOverrides, workerRegistry } from '../resilience/worker-breakers';
import { ensureTracing } from '../telemetry';

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
  /**
   * Circuit breakers that follow the operators' durable overrides (the `breakers` workflow,
   * started here if needed): `true` for the process registry, or this worker's own registry.
   * Unset: activities use the process registry without overrides (benchmark bundles lack the
   * `breakers` workflow).
   */
  breakers?: true | BreakerRegistry;
}

/** Every action wrapped to report its attempt, plus the local activities: the runbook loader, the override check and overflowing expressions. */
export function genieActivities(): Record<string, (...args: any[]) => Promise<unknown>> {
  const wrapped = Object.fromEntries(
    [...actions].map(([name, definition]) => [name, withAttempt(definition, { resolveSecrets: definition.resolvesSecrets !== false })]),
  );
  return { ...wrapped, ...loader, ...policy, ...expression };
}

export const UNENCRYPTED_WARNING =
  'WARNING: payloads are NOT encrypted: no keyring (GENIE_KEYRING, default .genie/keyring.json) or GENIE_ENCRYPTION=off; ' +
  'inputs, outputs and failure messages are stored in plaintext. Create one with `genie up` or mount a keyring (mode 600) and set GENIE_KEYRING.';

export async function createGenieWorker(opts: GenieWorkerOptions): Promise<Worker> {
  checkWorkerPolicy((line) => console.warn(line));
  const dataConverter = genieDataConverter();
  // Silent plaintext is how a shared deployment ends up with secrets in its database: say it.
  if (!dataConverter) process.stderr.write(`${UNENCRYPTED_WARNING}\n`);
  const activities = { ...genieActivities(), ...opts.extraActivities };
  const breakers = workerRegistry(opts.breakers);
  // Tracing on: activity interceptors, the workflow span sink, and the bundle with the workflow
  // interceptors (src/telemetry). Off: none of them, and no OpenTelemetry code loaded.
  const tracing = ensureTracing('genie-worker');
  const traced = { traced: tracing !== undefined };
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle ?? (opts.workflowsPath ? await bundleGenieWorkflows(opts.workflowsPath, traced) : await loadWorkflowBundle(traced)),
    activities: breakers ? scopedToBreakers(breakers, activities) : activities,
    ...(dataConverter ? { dataConverter } : {}),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(tracing ? tracing.workerOptions() : {}),
  });
  if (breakers) {
    await followBreakerOverrides(worker, {
      connection: opts.connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue,
      registry: breakers,
      ...(dataConverter ? { dataConverter } : {}),
    });
  }
  return worker;
}
