/**
 * Records the histories of the shipped-runbook scenarios into test/fixtures/histories/, for
 * the replay test. Run after a deliberate, patched() change to workflow logic:
 *   npm run record-histories                                  # every scenario
 *   npm run record-histories -- canary-rollback region-failover   # only these
 * Name the scenarios you mean: recording all of them rewrites fixtures that older workflow
 * code wrote, which are exactly what proves today's code still replays them.
 * Never re-record to make a failing replay pass: that failure is the nondeterminism the
 * replay test exists to catch.
 *
 * A run that continued as new is saved run by run, `<name>.run-1.json`, `<name>.run-2.json`...
 * (each run is its own history; the replay test takes the workflow id from the name before `.run-`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TEMPORAL_CLI, ensureBinary } from '../src/temporal/binaries';
import { projectRoot } from '../src/paths';
import { scenarios, startTargets, type Scenario } from './scenarios/shipped';
import { localEnv, stopSharedServer, uniqueQueue, withWorker } from './helpers/temporal';

interface ShownHistory {
  text: string;
  events: Array<{ workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string } }>;
}

function chosen(names: string[]): Scenario[] {
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`no scenario named ${unknown.join(', ')}; the scenarios are ${scenarios.map((s) => s.name).join(', ')}`);
  return names.length === 0 ? scenarios : scenarios.filter((s) => names.includes(s.name));
}

// The temporal CLI writes the standard proto3 JSON that historyFromJSON reads (the SDK's own
// historyToJSON fails in 1.24.0 with "type must be a Type", a protobufjs version mismatch).
function show(address: string, workflowId: string, runId?: string): ShownHistory {
  const args = ['workflow', 'show', '--workflow-id', workflowId, ...(runId ? ['--run-id', runId] : []), '--address', address, '--output', 'json'];
  const text = execFileSync(ensureBinary(TEMPORAL_CLI), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { text: text.endsWith('\n') ? text : text + '\n', events: (JSON.parse(text) as ShownHistory).events };
}

/** Every run of the chain, first to last: from the last run back along continuedExecutionRunId. */
function chain(address: string, workflowId: string): ShownHistory[] {
  const runs = [show(address, workflowId)];
  for (
    let previous = runs[0].events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    previous;
    previous = runs[0].events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId
  ) {
    runs.unshift(show(address, workflowId, previous));
  }
  return runs;
}

/** Removes this scenario's earlier files, so a chain that got shorter leaves no stale runs behind. */
function clear(dir: string, name: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (f === `${name}.json` || (f.startsWith(`${name}.run-`) && /^\.run-\d+\.json$/.test(f.slice(name.length)))) fs.rmSync(path.join(dir, f));
  }
}

async function main(): Promise<void> {
  const selected = chosen(process.argv.slice(2));
  process.env.GENIE_COMMAND_ALLOWLIST = 'uptime';
  // Fixtures are plain JSON so that anyone can replay them, with or without a keyring.
  process.env.GENIE_ENCRYPTION = 'off';
  const env = await localEnv();
  const targets = await startTargets();
  const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');
  fs.mkdirSync(dir, { recursive: true });
  try {
    for (const scenario of selected) {
      const queue = uniqueQueue('record');
      const { workflowId, result } = await withWorker(env, queue, () => scenario.run(env, queue, targets));
      const runs = chain(env.address, workflowId);
      clear(dir, scenario.name);
      runs.forEach((run, i) => {
        const file = path.join(dir, runs.length === 1 ? `${scenario.name}.json` : `${scenario.name}.run-${i + 1}.json`);
        fs.writeFileSync(file, run.text);
        console.log(
          `${scenario.name}: ${result.status}, ${run.events.length} events, ${Math.round(run.text.length / 1024)} KiB → ${path.relative(projectRoot, file)}`,
        );
      });
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
