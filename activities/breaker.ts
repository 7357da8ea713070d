/**
 * `breaker.force`: a runbook forces a destination's circuit breaker open or closed on every
 * worker (or disables it, or resets it to automatic) — e.g. an incident runbook's "mitigate"
 * stage opening the breaker of the failing dependency. The request goes to the `breakers`
 * workflow like `genie breaker open` does, so it is in that workflow's history with who and why.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { defineAction } from './action';
import { BreakerNameError } from '../src/resilience/errors';
import { normalizeBreakerName } from '../src/resilience/names';
import { breakersWorkflowId } from '../workflows/breakers-api';
import type { ForcedBreakerState } from '../workflows/breakers-api';

const STATES = ['open', 'closed', 'disabled', 'reset'] as const;

export const force = defineAction({
  name: 'breaker.force',
  description:
    'Forces the circuit breaker of a destination open, closed or disabled on every worker, or resets it to automatic; recorded in the breakers workflow.',
  args: Type.Object(
    {
      name: Type.String({ minLength: 1, description: 'The destination: a URL (its origin is the breaker, e.g. https://api.example.com) or a breaker name' }),
      state: Type.Union(
        STATES.map((s) => Type.Literal(s)),
        { description: 'open | closed | disabled | reset (back to automatic)' },
      ),
      reason: Type.String({ minLength: 1, description: 'Why; shown to everyone whose calls are rejected' }),
      by: Type.Optional(
        Type.String({ minLength: 1, description: 'Who asks; default "runbook <workflow id>". Pass "{% $run.requestedBy %}" to name the requester' }),
      ),
    },
    { additionalProperties: false },
  ),
  // The reason and `by` are stored in the breakers workflow's state and history, shown to every caller it rejects:
  // a resolved secret there would be out of reach of this activity's masks, so references stay as written.
  resolvesSecrets: false,
  // Breakers workflow updates are idempotent: a retried force changes nothing twice.
  defaults: { timeout: '30s', retry: { maxAttempts: 5, initialInterval: '1s' } },
  run: async (args) => {
    if (!(STATES as readonly string[]).includes(args.state)) {
      throw ApplicationFailure.nonRetryable(`state must be one of ${STATES.join(', ')}, not ${JSON.stringify(args.state)}`, 'BAD_ARGUMENT');
    }
    let name: string;
    try {
      name = normalizeBreakerName(args.name);
    } catch (error) {
      if (error instanceof BreakerNameError) throw ApplicationFailure.nonRetryable(error.message, 'BAD_ARGUMENT');
      throw error;
    }
    // Loaded here, not at the top: they pull in the Temporal client, and `genie validate` loads
    // this file only for the schema above.
    const { BreakerOverrideRefusedError, breakersRunId, forceBreaker, resetBreaker } = await import('../src/resilience/overrides-client');
    const { signedByWorker } = await import('../src/policy/operator');
    const { client, taskQueue, workflowId } = temporal();
    const by = args.by ?? `runbook ${workflowId}`;
    // Under an access policy the worker signs as itself (GENIE_WORKER_IDENTITY / GENIE_WORKER_KEY): a runbook step is not an anonymous UI form.
    const sign = <A extends { by: string }>(request: A) =>
      signedByWorker('breaker.force', { workflowId: breakersWorkflowId(taskQueue), runId: () => breakersRunId(client, taskQueue) }, request);
    try {
      const ack =
        args.state === 'reset'
          ? await resetBreaker(client, taskQueue, await sign({ name, by, reason: args.reason }))
          : await forceBreaker(client, taskQueue, await sign({ name, state: args.state as ForcedBreakerState, by, reason: args.reason }));
      return { name, state: args.state, changed: ack.changed, version: ack.version, message: ack.message };
    } catch (error) {
      if (error instanceof BreakerOverrideRefusedError) throw ApplicationFailure.nonRetryable(error.message, error.code);
      throw error;
    }
  },
});

/** The worker's own client and task queue: the breakers workflow of this deployment. */
function temporal(): { client: Client; taskQueue: string; workflowId: string } {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    throw ApplicationFailure.nonRetryable('breaker.force runs only as a Temporal activity (it talks to the breakers workflow)', 'NO_ACTIVITY_CONTEXT');
  }
  return {
    client: context.client,
    taskQueue: context.info.taskQueue,
    workflowId: context.info.workflowExecution?.workflowId ?? `activity ${context.info.activityId}`,
  };
}
