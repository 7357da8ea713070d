/**
 * Recorded histories of shipped runbooks must keep replaying against today's workflow code.
 * A failure here means a change altered the command sequence without patched().
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../../src/paths';
import { workflowBundle } from '../helpers/temporal';

const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');

describe('replay: recorded histories stay deterministic', function () {
  this.timeout(120_000);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('has at least three recorded histories of shipped runbooks', () => {
    assert.ok(files.length >= 3, `only ${files.length} histories in ${dir}; run npm run record-histories`);
  });

  it('replays every one of them without nondeterminism', async () => {
    // A run that continued as new is one file per run, <workflow id>.run-<n>.json.
    const histories = files.map((f) => ({
      workflowId: f.replace(/(\.run-\d+)?\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.equal(replayed, files.length);
    assert.deepEqual(failures, []);
  });

  it('detects nondeterminism: a history whose step order was changed does not replay', async () => {
    const original = JSON.parse(fs.readFileSync(path.join(dir, 'hello.json'), 'utf8')) as {
      events: { activityTaskScheduledEventAttributes?: { activityType?: { name: string } } }[];
    };
    const tampered = structuredClone(original);
    const scheduled = tampered.events.filter((e) => e.activityTaskScheduledEventAttributes);
    assert.ok(scheduled.length >= 2, 'hello should schedule at least two activities');
    const [a, b] = scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!);
    [a.name, b.name] = [b.name, a.name];
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJSON(tampered)), /[Nn]ondetermin/);
  });
});
