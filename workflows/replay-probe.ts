/**
 * Time travel's eyes (bundled only into the replay worker of `genie replay`, never into
 * production workers): after every activation it reads the `state` query handler and hands
 * the snapshot, with how much history had been applied, to a sink the replayer collects.
 */
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { getActivator } from '@temporalio/workflow/lib/global-attributes';
import type { RunState } from './api';

export interface ProbeSinks extends Sinks {
  probe: { snapshot(historyLength: number, state: RunState | undefined): void };
}

const { probe } = proxySinks<ProbeSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => {
  let historyLength = 0;
  return {
    internals: [
      {
        activate(input, next) {
          historyLength = Number(input.activation.historyLength ?? historyLength);
          return next(input);
        },
        concludeActivation(input, next) {
          const handler = getActivator().queryHandlers.get('state');
          let state: RunState | undefined;
          try {
            state = handler ? (handler.handler() as RunState) : undefined;
          } catch {
            state = undefined; // not installed yet (before the first handler registration)
          }
          probe.snapshot(historyLength, state);
          return next(input);
        },
      },
    ],
  };
};
