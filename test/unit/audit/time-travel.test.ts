/**
 * Time travel replays recorded histories with today's workflow code: the state at the last
 * event equals the run's recorded result; states in between are the ones the run had; a
 * history the code no longer produces is reported as a divergence.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { resolveAt, travel } from '../../../src/audit/time-travel';
import { projectRoot } from '../../../src/paths';
import { eventTime } from '../../../src/temporal/history';
import type { RunbookResult } from '../../../workflows/api';

const load = (name: string) => JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'histories', `${name}.json`), 'utf8'));

describe('time travel (genie replay)', function () {
  this.timeout(60_000);
  const raw = load('incident-triage-approved');
  const events = historyFromJSON(raw).events ?? [];
  const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes)!;
  const recorded = defaultPayloadConverter.fromPayload(completed.workflowExecutionCompletedEventAttributes!.result!.payloads![0]) as RunbookResult;

  it('at the last event, the state is the recorded result', async () => {
    const t = await travel('incident-triage-approved', events);
    assert.equal(t.divergence, undefined);
    assert.equal(t.state?.status, recorded.status);
    // Compared as JSON, the form in which a query answer leaves the workflow.
    assert.deepEqual(JSON.parse(JSON.stringify(t.state?.steps)), recorded.steps);
  });

  it('at the moment the approval was given, the run was waiting for it', async () => {
    const accepted = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!;
    const t = await travel('incident-triage-approved', events, String(Number(accepted.eventId) - 1));
    assert.equal(t.state?.status, 'waiting_approval');
    assert.equal(t.state?.pendingApprovals[0]?.stepId, 'decide');
    assert.equal(
      t.state?.steps.find((s) => s.id === 'remediate'),
      undefined,
      'remediation had not started',
    );
  });

  it('resolves --at as an event id or a time', () => {
    assert.equal(resolveAt(events, '7'), 7);
    const byTime = resolveAt(events, eventTime(events[9]));
    assert.ok(byTime >= Number(events[9].eventId), 'the last event at or before the time');
    assert.ok(Date.parse(eventTime(events[byTime - 1])) <= Date.parse(eventTime(events[9])));
    assert.throws(() => resolveAt(events, '0'), /events 1 to/);
    assert.throws(() => resolveAt(events, '2000-01-01T00:00:00Z'), /had not started/);
  });

  it('reports where a history diverges from the current code', async () => {
    const tampered = structuredClone(raw) as { events: { activityTaskScheduledEventAttributes?: { activityType?: { name: string } } }[] };
    const [first, second] = tampered.events
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => e.activityTaskScheduledEventAttributes!.activityType!);
    [first.name, second.name] = [second.name, first.name];
    const t = await travel('incident-triage-approved', historyFromJSON(tampered).events ?? []);
    assert.match(t.divergence ?? '', /[Nn]ondeterminism/);
  });
});
