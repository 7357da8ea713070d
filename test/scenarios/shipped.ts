/**
 * The shipped runbooks driven end to end with real targets (HTTP servers for probes and
 * webhooks, an allowlisted command, an approver). The integration test asserts on these
 * runs; `npm run record-histories` saves their histories as replay fixtures.
 */
import * as http from 'node:http';
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

export interface Scenario {
  name: string;
  run(env: TestWorkflowEnvironment, queue: string, targets: Targets): Promise<{ workflowId: string; result: RunbookResult }>;
}

export const scenarios: Scenario[] = [
  {
    name: 'hello',
    async run(env, queue, targets) {
      const h = await startInline(env, queue, 'hello', { params: { uiUrl: targets.url } });
      return { workflowId: h.workflowId, result: await h.result() };
    },
  },
  {
    name: 'incident-triage-approved',
    async run(env, queue, targets) {
      const h = await startInline(env, queue, 'incident-triage', {
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
        params: { serviceUrl: `${targets.url}/health`, webhookUrl: `${targets.url}/hook` },
      });
      await waitForState(h, (s) => s.pendingApprovals.length === 1);
      await h.executeUpdate(overrideUpdates.reject, { args: [{ by: 'oncall', reason: 'not during the sale' }] });
      return { workflowId: h.workflowId, result: await h.result() };
    },
  },
];
