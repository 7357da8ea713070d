/**
 * One real Temporal dev server for the whole bench (the `temporal` CLI's, as in tests), with
 * Genie's search attributes registered. In-memory database: the bench measures the engine
 * and the worker, not SQLite fsyncs, and leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_CLI, ensureBinary } from '../src/temporal/binaries';
import { RunbookKind, RunbookName, RunbookStatus, RunbookTarget } from '../workflows/search-attributes';
import { log } from './log';

export const SERVER_NOTE =
  'temporal CLI dev server (start-dev) via TestWorkflowEnvironment.createLocal, in-memory database, same machine as workers and client';

export function temporalCli(): string {
  return ensureBinary(TEMPORAL_CLI, log);
}

export function temporalCliVersion(): string {
  const out = spawnSync(temporalCli(), ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').trim();
}

export async function startServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli() },
      searchAttributes: [RunbookName, RunbookKind, RunbookStatus, RunbookTarget],
      ip: '127.0.0.1',
    },
  });
}
