/**
 * One real Temporal dev server for the whole test run (started on first use, stopped by the
 * root hook), one workflow bundle, and a fresh worker per test on its own task queue.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER, ensureBinary } from '../../src/temporal/binaries';
import { loadWorkflowBundle } from '../../src/temporal/bundle';
import { genieDataConverter } from '../../src/temporal/data-converter';
import { genieActivities } from '../../src/temporal/worker';
import { RunbookKind, RunbookName, RunbookStatus, RunbookTarget } from '../../workflows/search-attributes';

let local: Promise<TestWorkflowEnvironment> | undefined;
let bundle: Promise<{ code: string }> | undefined;
let queueCounter = 0;

export function localEnv(): Promise<TestWorkflowEnvironment> {
  const dataConverter = genieDataConverter();
  local ??= TestWorkflowEnvironment.createLocal({
    ...(dataConverter ? { client: { dataConverter } } : {}),
    server: {
      executable: { type: 'existing-path', path: ensureBinary(TEMPORAL_CLI, console.log) },
      searchAttributes: [RunbookName, RunbookKind, RunbookStatus, RunbookTarget],
      ip: '127.0.0.1',
    },
  });
  return local;
}

export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const dataConverter = genieDataConverter();
  return TestWorkflowEnvironment.createTimeSkipping({
    ...(dataConverter ? { client: { dataConverter } } : {}),
    server: { executable: { type: 'existing-path', path: ensureBinary(TEMPORAL_TEST_SERVER, console.log) } },
  });
}

export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= loadWorkflowBundle();
  return bundle;
}

export function uniqueQueue(name: string): string {
  return `test-${name}-${process.pid}-${++queueCounter}`;
}

/** Runs `fn` while a Genie worker polls `taskQueue` on `env`. */
export async function withWorker<T>(env: TestWorkflowEnvironment, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const dataConverter = genieDataConverter();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: genieActivities(),
    ...(dataConverter ? { dataConverter } : {}),
  });
  return worker.runUntil(fn);
}

export async function stopSharedServer(): Promise<void> {
  if (local) await (await local).teardown();
  local = undefined;
}
