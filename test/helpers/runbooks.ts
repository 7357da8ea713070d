/** Building and running runbooks in tests: inline definitions with the boilerplate filled in. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { API_VERSION, type Runbook, type Step } from '../../src/dsl/types';
import { startRunbook } from '../../src/temporal/runs';
import type { RunbookResult } from '../../workflows/api';

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

export async function startInline(env: TestWorkflowEnvironment, taskQueue: string, runbook: Runbook | string, opts: { params?: Record<string, unknown>; requestedBy?: string; workflowId?: string } = {}) {
  return startRunbook(env.client, {
    runbook, params: opts.params ?? {}, requestedBy: opts.requestedBy ?? 'tester', taskQueue,
    ...(opts.workflowId ? { workflowId: opts.workflowId } : {}),
  });
}

export async function runInline(env: TestWorkflowEnvironment, taskQueue: string, runbook: Runbook | string, opts: { params?: Record<string, unknown>; requestedBy?: string } = {}): Promise<RunbookResult> {
  const handle = await startInline(env, taskQueue, runbook, opts);
  return handle.result();
}
