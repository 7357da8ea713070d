/**
 * Alertmanager intake against a real Temporal dev server and a real worker: a firing group
 * starts one incident-response run, repeats join it, `resolved` reaches it, and a malformed
 * payload is refused with the reason and starts nothing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { incidentWorkflowId, parseAlertGroup } from '../../src/alerts/alertmanager';
import { startAlertServer, type AlertServer } from '../../src/alerts/server';
import { projectRoot } from '../../src/paths';
import { alertsQuery } from '../../workflows/alerts';
import type { RunbookResult } from '../../workflows/api';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'alerts', name), 'utf8')) as Record<string, unknown>;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

describe('alerts: Alertmanager webhook intake (real Temporal)', function () {
  this.timeout(90_000);
  let env: TestWorkflowEnvironment;
  let server: AlertServer;
  const queue = uniqueQueue('alerts');

  before(async () => {
    env = await localEnv();
    server = await startAlertServer({ client: env.client, taskQueue: queue, token: 'alert-token-for-tests' });
  });
  after(async () => server?.close());
  const auth = { authorization: 'Bearer alert-token-for-tests' };

  it('parses real grouped payloads; refuses malformed ones with the reason', () => {
    const group = parseAlertGroup(fixture('firing-grouped.json'));
    assert.equal(group.alerts.length, 2);
    assert.equal(group.commonLabels.service, 'stable');
    assert.throws(() => parseAlertGroup({ ...fixture('firing-grouped.json'), version: '3' }), /version: must be "4"/);
    assert.throws(
      () => parseAlertGroup({ ...fixture('firing-grouped.json'), alerts: [{ status: 'burning', labels: {} }] }),
      /alerts\[0\]\.status: must be "firing" or "resolved"/,
    );
    assert.throws(() => parseAlertGroup({ ...fixture('firing-grouped.json'), groupKey: undefined }), /groupKey: is missing/);
  });

  it('firing starts one run, five repeats join it, resolved reaches it; malformed → 400 and nothing started', async () => {
    const firing = { ...fixture('firing-grouped.json'), groupKey: `{}/{test="${queue}"}:{alertname="HighErrorRate"}` };
    const resolved = { ...fixture('resolved-grouped.json'), groupKey: firing.groupKey };
    const workflowId = incidentWorkflowId(firing.groupKey as string);

    // Refused before anything is started: no token, bad JSON, wrong version (same group key).
    assert.equal((await post(server.url, firing)).status, 401);
    const notJson = await post(server.url, '{"version": "4", ', auth);
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.body.error), /not JSON/);
    const bad = await post(server.url, { ...firing, version: '3' }, auth);
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /version: must be "4"/);
    await assert.rejects(env.client.workflow.getHandle(workflowId).describe(), /not found/i, 'a refused payload started a run');

    const result = await withWorker(env, queue, async () => {
      const first = await post(server.url, firing, auth);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.started, true);
      assert.equal(first.body.workflowId, workflowId);
      for (let i = 0; i < 5; i++) {
        const again = await post(server.url, firing, auth);
        assert.equal(again.status, 200);
        assert.equal(again.body.started, false, `repeat ${i + 1} started another run`);
        assert.equal(again.body.runId, first.body.runId);
      }
      const handle = env.client.workflow.getHandle(workflowId);
      const notices = await handle.query(alertsQuery);
      assert.equal(notices.filter((n) => n.status === 'firing').length, 6);
      const done = await post(server.url, resolved, auth);
      assert.equal(done.body.delivered, true);
      const r = (await handle.result()) as RunbookResult;
      const afterwards = await post(server.url, resolved, auth);
      assert.equal(afterwards.body.delivered, false, 'resolved after the end reports nothing open');
      assert.equal(afterwards.body.started, false);
      return r;
    });
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(result.outputs.resolved, true);
    assert.equal(result.steps.find((s) => s.id === 'escalate_human')?.status, 'skipped', 'a resolved incident is not escalated');
    const timeline = String(result.outputs.timeline);
    assert.match(timeline, /signal alert/);
    assert.match(timeline, /Assess/);
    const runs = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(w.runId);
    assert.equal(runs.length, 1, `expected one run, found ${runs.length}`);
  });
});
