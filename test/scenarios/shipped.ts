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
import { overrideUpdates } from '../../workflows/api';
import { startInline, waitForState } from '../helpers/runbooks';
import { canaryRollback } from './canary-rollback';
import { chaosBreach } from './chaos-breach';
import { regionFailover } from './region-failover';
import { withEnv, type Scenario, type Targets } from './scenario';
import { selfHealingContinued } from './self-healing-continued';
import { signedOverrides } from './signed-overrides';

export type { Scenario, Targets };

/** One loopback server: GET answers 200 {"ok":true}; POST /hook records the JSON body. */
export async function startTargets(): Promise<Targets> {
  const webhooks: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
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

export const scenarios: Scenario[] = [
  {
    // Every step kind but approval, from test/fixtures/runbooks (its child runbook lives there too).
    name: 'all-kinds',
    run(env, queue) {
      const vars = {
        GENIE_RUNBOOK_DIR: path.join(projectRoot, 'test', 'fixtures', 'runbooks'),
        GENIE_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'genie-all-kinds-')),
      };
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
  // Each of these brings up its own targets (router, demo services, PostgreSQL regions, a policy).
  canaryRollback,
  chaosBreach,
  selfHealingContinued,
  regionFailover,
  signedOverrides,
];
