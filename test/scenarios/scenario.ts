/** What a recorded scenario is, and the small helpers every scenario module shares. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { RunbookResult } from '../../workflows/api';

export interface Targets {
  url: string;
  webhooks: unknown[];
  close(): Promise<void>;
}

/**
 * Each scenario's workflow id is its name, so replay (keyed by file name) derives the same
 * child ids. `run` starts its own targets beyond the shared loopback server, and stops them.
 */
export interface Scenario {
  name: string;
  run(env: TestWorkflowEnvironment, queue: string, targets: Targets): Promise<{ workflowId: string; result: RunbookResult }>;
}

/** Runs `fn` with environment variables set for this worker process, restoring them after. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * A fixture is worth keeping only if it recorded the path it is named after (a canary that
 * never rolled back would replay, and prove nothing about rollbacks): fail the recording otherwise.
 */
export function expectStatus(name: string, result: RunbookResult, status: RunbookResult['status'], code?: string): RunbookResult {
  if (result.status !== status || (code !== undefined && result.error?.code !== code)) {
    throw new Error(`${name} was to end ${status}${code ? ` (${code})` : ''} but ended ${result.status}: ${JSON.stringify(result.error)}`);
  }
  return result;
}
