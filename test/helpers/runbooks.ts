/** Building and running runbooks in tests: inline definitions with the boilerplate filled in. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { API_VERSION, type Runbook, type Step } from '../../src/dsl/types';
import { startRunbook } from '../../src/temporal/runs';
import { stateQuery, type RunbookResult, type RunState } from '../../workflows/api';

let counter = 0;

export function inlineRunbook(steps: Step[], extra: Partial<Runbook> = {}): Runbook {
  counter += 1;
  return {
    apiVersion: API_VERSION,
    kind: 'generic',
    metadata: { name: `test-${counter}`, version: '1.0.0' },
    steps,
    ...extra,
  } as Runbook;
}

export async function startInline(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  runbook: Runbook | string,
  opts: { params?: Record<string, unknown>; requestedBy?: string; workflowId?: string } = {},
) {
  return startRunbook(env.client, {
    runbook,
    params: opts.params ?? {},
    requestedBy: opts.requestedBy ?? 'tester',
    taskQueue,
    searchAttributes: env.supportsTimeSkipping === false,
    ...(opts.workflowId ? { workflowId: opts.workflowId } : {}),
  });
}

export async function runInline(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  runbook: Runbook | string,
  opts: { params?: Record<string, unknown>; requestedBy?: string } = {},
): Promise<RunbookResult> {
  const handle = await startInline(env, taskQueue, runbook, opts);
  return handle.result();
}

/** Polls the `state` query until `predicate` holds; fails with the last state seen. */
export async function waitForState(
  handle: { query: (q: typeof stateQuery) => Promise<RunState> },
  predicate: (s: RunState) => boolean,
  timeoutMs = 20_000,
): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  let last: RunState | undefined;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(stateQuery);
      if (predicate(last)) return last;
    } catch {
      // not started yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`state never matched within ${timeoutMs} ms; last: ${JSON.stringify(last, null, 1)}`);
}
