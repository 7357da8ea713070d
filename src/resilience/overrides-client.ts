/**
 * Talking to the `breakers` workflow from a client (the CLI, the breaker.force action, the
 * worker's sync loop). Requests use update-with-start, so the first `genie breaker open` works
 * even before any worker has started the workflow, and a refusal comes back at once.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  BREAKERS_WORKFLOW_TYPE,
  breakersWorkflowId,
  forceBreakerUpdate,
  overridesQuery,
  resetBreakerUpdate,
  type BreakerAck,
  type BreakerOverridesView,
  type BreakersInput,
  type ForceBreakerArgs,
  type ResetBreakerArgs,
} from '../../workflows/breakers-api';
import { firstRunId } from '../temporal/first-run-id';
import { retryLostUpdate } from '../temporal/update-retry';
import { GenieError } from '../errors/genie-error';

/** The breakers workflow refused a request (bad name, missing reason…); the message says why. */
export class BreakerOverrideRefusedError extends GenieError {
  readonly code = 'BREAKER_OVERRIDE_REFUSED';
}

/** How the workflow is started, wherever that happens: once per task queue, never twice. */
function startOptions(taskQueue: string) {
  return {
    workflowId: breakersWorkflowId(taskQueue),
    taskQueue,
    args: [{}] as [BreakersInput],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    staticSummary: 'Circuit-breaker overrides of every Genie worker on this task queue (genie breaker list)',
  };
}

/** Starts the breakers workflow unless it is already running. Idempotent; workers call it at start. */
export async function ensureBreakersWorkflow(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.start(BREAKERS_WORKFLOW_TYPE, startOptions(taskQueue));
}

/** The breakers workflow's first run id, starting it if needed: what a signed breaker request is bound to. */
export async function breakersRunId(client: Client, taskQueue: string): Promise<string> {
  await ensureBreakersWorkflow(client, taskQueue);
  return firstRunId(client, breakersWorkflowId(taskQueue));
}

async function send<A>(client: Client, taskQueue: string, update: typeof forceBreakerUpdate | typeof resetBreakerUpdate, args: A): Promise<BreakerAck> {
  try {
    // A fresh start operation per attempt: one is single-use.
    return await retryLostUpdate(() =>
      client.workflow.executeUpdateWithStart(update as never, {
        args: [args] as never,
        startWorkflowOperation: new WithStartWorkflowOperation(BREAKERS_WORKFLOW_TYPE, startOptions(taskQueue)),
      }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new BreakerOverrideRefusedError(error.cause?.message ?? error.message);
    throw error;
  }
}

export function forceBreaker(client: Client, taskQueue: string, args: ForceBreakerArgs): Promise<BreakerAck> {
  return send(client, taskQueue, forceBreakerUpdate, args);
}

export function resetBreaker(client: Client, taskQueue: string, args: ResetBreakerArgs): Promise<BreakerAck> {
  return send(client, taskQueue, resetBreakerUpdate, args);
}

/**
 * The current overrides; undefined when the workflow has never been started (no overrides).
 * A query needs a worker to answer it, hence the deadline.
 */
export async function readBreakerOverrides(client: Client, taskQueue: string, timeoutMs = 5000): Promise<BreakerOverridesView | undefined> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(breakersWorkflowId(taskQueue)).query(overridesQuery));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
