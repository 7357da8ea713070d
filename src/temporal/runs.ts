/** Starting and finding runbook runs from a client: the CLI, tests and the bench share these. */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { ResolvedRunbook, Runbook } from '../dsl/types';
import { WORKFLOW_TYPE, type RunbookInput, type RunbookResult } from '../../workflows/api';
import { RunbookKind, RunbookName, RunbookStatus } from '../../workflows/search-attributes';

export interface StartOptions {
  /** A name the worker resolves from its runbook directory, or an inline definition. */
  runbook: string | Runbook;
  /** The validated definition when the caller has one (for the summary and search attributes). */
  definition?: Runbook;
  params?: Record<string, unknown>;
  requestedBy: string;
  workflowId?: string;
  taskQueue: string;
  /** The requester's signature over this start (signStart), when they have a key. */
  auth?: RunbookInput['auth'];
  /** Set them at start (default); off for servers without Genie's search attributes, such as the time-skipping test server. */
  searchAttributes?: boolean;
}

export function newRunId(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${name}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function startRunbook(client: Client, opts: StartOptions) {
  const definition = opts.definition ?? (typeof opts.runbook === 'string' ? undefined : opts.runbook);
  const name = definition?.metadata.name ?? (opts.runbook as string);
  const input: RunbookInput = { runbook: opts.runbook, params: opts.params ?? {}, requestedBy: opts.requestedBy, ...(opts.auth ? { auth: opts.auth } : {}) };
  return client.workflow.start<(i: RunbookInput) => Promise<RunbookResult>>(WORKFLOW_TYPE, {
    taskQueue: opts.taskQueue,
    workflowId: opts.workflowId ?? newRunId(name),
    args: [input],
    ...(opts.searchAttributes === false
      ? {}
      : {
          typedSearchAttributes: [
            { key: RunbookName, value: name },
            { key: RunbookStatus, value: 'queued' },
            ...(definition ? [{ key: RunbookKind, value: definition.kind }] : []),
          ],
        }),
    staticSummary: `${name}${definition ? ` v${definition.metadata.version}` : ''} — requested by ${opts.requestedBy}`,
    ...(definition?.metadata.description ? { staticDetails: definition.metadata.description } : {}),
  });
}

export type { ResolvedRunbook };
