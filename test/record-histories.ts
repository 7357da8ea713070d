/**
 * Records the histories of the shipped-runbook scenarios into test/fixtures/histories/, for
 * the replay test. Run after a deliberate, patched() change to workflow logic:
 *   npm run record-histories
 * Never re-record to make a failing replay pass: that failure is the nondeterminism the
 * replay test exists to catch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TEMPORAL_CLI, ensureBinary } from '../src/temporal/binaries';
import { projectRoot } from '../src/paths';
import { scenarios, startTargets } from './scenarios/shipped';
import { localEnv, stopSharedServer, uniqueQueue, withWorker } from './helpers/temporal';

async function main(): Promise<void> {
  process.env.GENIE_COMMAND_ALLOWLIST = 'uptime';
  // Fixtures are plain JSON so that anyone can replay them, with or without a keyring.
  process.env.GENIE_ENCRYPTION = 'off';
  const env = await localEnv();
  const targets = await startTargets();
  const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');
  fs.mkdirSync(dir, { recursive: true });
  try {
    for (const scenario of scenarios) {
      const queue = uniqueQueue('record');
      const { workflowId, result } = await withWorker(env, queue, () => scenario.run(env, queue, targets));
      // The temporal CLI writes the standard proto3 JSON that historyFromJSON reads (the SDK's own
      // historyToJSON fails in 1.24.0 with "type must be a Type", a protobufjs version mismatch).
      const json = execFileSync(ensureBinary(TEMPORAL_CLI), ['workflow', 'show', '--workflow-id', workflowId, '--address', env.address, '--output', 'json'], { encoding: 'utf8' });
      const file = path.join(dir, `${scenario.name}.json`);
      fs.writeFileSync(file, json.endsWith('\n') ? json : json + '\n');
      console.log(`${scenario.name}: ${result.status}, ${(JSON.parse(json) as { events: unknown[] }).events.length} events → ${path.relative(projectRoot, file)}`);
    }
  } finally {
    await targets.close();
    await stopSharedServer();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
