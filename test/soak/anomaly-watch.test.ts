/**
 * runbooks/anomaly-watch.yaml on a real Temporal dev server, fed real NAB data
 * (realKnownCause/machine_temperature_system_failure.csv) through a real HTTP server that
 * speaks the Prometheus query_range API — a stand-in for Prometheus, which does not run
 * here. Each query answers the newest `window` points up to a cursor, as Prometheus answers
 * a "last N steps" query (overlapping the previous answer), and moves the cursor on.
 *
 * - The machine's temperature falling away over an hour (inside a labelled NAB anomaly
 *   window) is a sustained anomaly: exactly one incident-response run starts, with the
 *   evidence.
 * - One injected outlier in a normal stretch is anomalous for one sample only: nothing starts.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { incidentWorkflowId } from '../../src/alerts/alertmanager';
import { loadCorpus, requireNabDir } from '../../src/nab/dataset';
import type { RunbookResult } from '../../workflows/api';
import { startInline } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

const FILE = 'realKnownCause/machine_temperature_system_failure.csv';
const WINDOW = 200;
/** Rows (5 minutes each) a query moves the cursor: one cycle sees half an hour of new data. */
const ADVANCE = 6;

interface Point {
  t: number;
  v: number;
}

/** The replay server: GET /api/v1/query_range → the newest `window` points up to the cursor; the cursor moves on. */
async function prometheusReplay(points: Point[], startAt: number) {
  let cursor = startAt;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/query_range' || !url.searchParams.get('query')) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', error: 'expected /api/v1/query_range?query=' }));
      return;
    }
    const values = points.slice(Math.max(0, cursor - WINDOW), cursor).map((p) => [p.t, String(p.v)]);
    cursor = Math.min(points.length, cursor + ADVANCE);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'machine_temperature' }, values }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('anomaly-watch runbook (real NAB data, real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let points: Point[];
  let windows: { start: number; end: number }[];

  before(async () => {
    env = await localEnv();
    const dir = requireNabDir(); // NAB_DATA_MISSING naming GENIE_NAB_DIR when absent: never skipped
    const [series] = loadCorpus(path.join(dir, 'data'), path.join(dir, 'combined_windows.json'), [FILE]);
    points = Array.from(series.values, (v, i) => ({ t: Date.parse(`${series.timestamps[i].replace(' ', 'T')}Z`) / 1000, v }));
    windows = series.windows;
  });

  /** Runs the watcher over `cycles` queries starting at row `from`; returns its result and the incident runs it opened. */
  async function watch(data: Point[], from: number, cycles: number, service: string) {
    const replay = await prometheusReplay(data, from);
    const queue = uniqueQueue('anomaly-watch');
    try {
      return await withWorker(env, queue, async () => {
        const handle = await startInline(env, queue, 'anomaly-watch', {
          params: {
            service,
            source: 'prometheus',
            url: replay.url,
            query: 'avg(machine_temperature)',
            step: '5m',
            interval: '10ms',
            maxCycles: cycles,
            persist: 3,
            failAt: 60,
            failDirection: 'below',
            recover: false,
            escalationTimeout: '1s',
            healthUrl: `${replay.url}/health`,
          },
        });
        const result: RunbookResult = await handle.result();
        // Incidents are opened with signalWithStart under an id derived from the service and metric.
        const id = incidentWorkflowId(`incident-response/anomaly-watch/${service}/avg(machine_temperature)`);
        const exists = await env.client.workflow
          .getHandle(id)
          .describe()
          .then(
            () => true,
            () => false,
          );
        const incidents = exists ? [id] : [];
        if (exists) await env.client.workflow.getHandle(id).result();
        return { result, incidents };
      });
    } finally {
      await replay.close();
    }
  }

  it('a sustained anomaly (a labelled NAB failure) starts exactly one incident, with the evidence', async () => {
    const from = 3708; // half an hour before the temperature starts falling away
    const labelled = windows.find((w) => w.start <= from && from + 9 * ADVANCE <= w.end);
    assert.ok(labelled, 'the excerpt lies in a labelled NAB anomaly window');
    const { result, incidents } = await watch(points, from, 9, 'machine-7'); // raises in cycle 6; cycles 7-9 are still anomalous
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.equal(incidents.length, 1, 'an incident run was opened');
    assert.equal(result.outputs.incidents, 1);
    assert.ok((result.outputs.anomalousCycles as number) >= 3, 'the anomaly lasted at least persist cycles');

    const incident = (await env.client.workflow.getHandle(incidents[0]).result()) as RunbookResult;
    assert.equal(incident.runbook?.name, 'incident-response');
    const trigger = incident.steps.find((s) => s.id === 'detect_trigger')?.output as { source: string; summary: string; evidence: Record<string, unknown> };
    assert.equal(trigger.source, 'anomaly-watch');
    assert.match(trigger.summary, /anomaly in avg\(machine_temperature\) of machine-7 for 3 cycles/);
    const evidence = trigger.evidence as {
      detector: string;
      streak: number;
      excerpt: { timestamp: number; value: number }[];
      scores: number[];
      timeToFailure: { status?: string } | null;
    };
    assert.equal(evidence.detector, 'ensemble');
    assert.equal(evidence.streak, 3);
    assert.equal(evidence.excerpt.length, 30);
    assert.equal(evidence.scores.length, 30);
    assert.ok(Math.max(...evidence.scores) >= 0.4, 'the excerpt holds the anomalous scores');
    const newest = evidence.excerpt.at(-1)!;
    assert.ok(Math.abs(newest.value - points.find((p) => p.t * 1000 === newest.timestamp)!.v) < 0.001, 'the excerpt is the real series');
    assert.ok(evidence.timeToFailure, 'a time-to-failure prediction (or an honest no-trend) is part of the evidence');
  });

  it('a single outlier is noticed but does not persist: no incident', async () => {
    const from = 2924;
    const data = points.map((p) => ({ ...p }));
    data[2931].v = 65; // the failure's level, for one 5-minute sample in a steady stretch
    const { result, incidents } = await watch(data, from, 5, 'machine-8');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.error));
    assert.deepEqual(incidents, []);
    assert.equal(result.outputs.incidents, 0);
    assert.ok((result.outputs.anomalousCycles as number) >= 1, 'the detector flagged the outlier');
    assert.ok((result.outputs.anomalousCycles as number) < 3);
  });
});
