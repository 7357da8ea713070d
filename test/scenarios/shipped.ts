/**
 * The shipped runbooks driven end to end with real targets (HTTP servers for probes and
 * webhooks, an allowlisted command, an approver). The integration test asserts on these
 * runs; `npm run record-histories` saves their histories as replay fixtures.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../src/paths';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { overrideUpdates, type RunbookResult } from '../../workflows/api';
import { startInline, waitForState } from '../helpers/runbooks';

export interface Targets {
  url: string;
  webhooks: unknown[];
  close(): Promise<void>;
}

/** One loopback server: GET answers 200 {"ok":true}; POST /hook records the JSON body. */
export async function startTargets(): Promise<Targets> {
  const webhooks: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.method === 'POST') webhooks.push(JSON.parse(body || 'null'));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, webhooks, close: () => new Promise((r) => server.close(() => r())) };
}

/** Each scenario's workflow id is its name, so replay (keyed by file name) derives the same child ids. */
export interface Scenario {
  name: string;
  run(env: TestWorkflowEnvironment, queue: string, targets: Targets): Promise<{ workflowId: string; result: RunbookResult }>;
}

/** Runs `fn` with environment variables set for this worker process, restoring them after. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
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

export const scenarios: Scenario[] = [
  {
    // Every step kind but approval, from test/fixtures/runbooks (its child runbook lives there too).
    name: 'all-kinds',
    run(env, queue) {
      const vars = { GENIE_RUNBOOK_DIR: path.join(projectRoot, 'test', 'fixtures', 'runbooks'), GENIE_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'genie-all-kinds-')) };
      return withEnv(vars, async () => {
        const h = await startInline(env, queue, 'all-kinds', { workflowId: 'all-kinds', params: { target: 'canary-7' } });
        return { workflowId: h.workflowId, result: await h.result() };
      });
    },
  },
  {
    name: 'hello',
    async run(env, queue, targets) {
      const h = await startInline(env, queue, 'hello', { workflowId: 'hello', params: { uiUrl: targets.url } });
      return { workflowId: h.workflowId, result: await h.result() };
    },
  },
  {
    name: 'incident-triage-approved',
    async run(env, queue, targets) {
      const h = await startInline(env, queue, 'incident-triage', {
        workflowId: 'incident-triage-approved',
        params: { serviceUrl: `${targets.url}/health`, webhookUrl: `${targets.url}/hook`, remediation: { command: 'uptime', args: [] } },
      });
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await h.executeUpdate(overrideUpdates.approve, { args: [{ by: 'oncall', reason: 'host looks fine, go' }] });
      return { workflowId: h.workflowId, result: await h.result() };
    },
  },
  {
    name: 'incident-triage-rejected',
    async run(env, queue, targets) {
      const h = await startInline(env, queue, 'incident-triage', {
        workflowId: 'incident-triage-rejected',
        params: { serviceUrl: `${targets.url}/health`, webhookUrl: `${targets.url}/hook` },
      });
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await h.executeUpdate(overrideUpdates.reject, { args: [{ by: 'oncall', reason: 'not during the sale' }] });
      return { workflowId: h.workflowId, result: await h.result() };
    },
  },
];
