/**
 * self-healing across continue-as-new: a history limit of 50 events makes the loop hand over
 * to a fresh run after a few healthy watches; then the service breaks, and the continued run
 * walks the ladder (a webhook that repairs it), verifies and closes the incident with the
 * state it inherited. The service is a loopback server whose health the scenario controls.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { overrideUpdates, type RunState } from '../../workflows/api';
import { startInline, waitForState } from '../helpers/runbooks';
import { withEnv, type Scenario } from './scenario';

interface Plan {
  state: { phase: string; counters: Record<string, number> };
}
const planOf = (s: RunState) => s.steps.find((x) => x.id === 'monitor.plan')?.output as Plan | undefined;

/** GET /health answers 503 while broken; POST /repair (the recovery webhook) mends it. */
async function breakableService() {
  let broken = false;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/repair') broken = false;
      res.writeHead(req.url === '/health' && broken ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    break: () => {
      broken = true;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

export const selfHealingContinued: Scenario = {
  name: 'self-healing-continued',
  async run(env, queue) {
    const service = await breakableService();
    try {
      return await withEnv({ GENIE_CONTINUE_AS_NEW_EVENTS: '50' }, async () => {
        const h = await startInline(env, queue, 'self-healing', {
          workflowId: 'self-healing-continued',
          params: {
            service: 'breakable',
            checks: { web: { http: { url: `${service.url}/health` }, period: '200ms', timeout: '150ms', failureThreshold: 2 } },
            ladder: { repair: { webhook: { url: `${service.url}/repair`, payload: { why: 'health check failed' } }, maxAttempts: 2 } },
            backoff: { initial: '300ms', factor: 2, max: '2s', resetAfter: '30s' },
            watch: '1s',
            verify: '2s',
          },
        });
        await waitForState(h, () => true);
        const deadline = Date.now() + 60_000;
        while ((await env.client.workflow.getHandle(h.workflowId).describe()).runId === h.firstExecutionRunId) {
          if (Date.now() > deadline) throw new Error('self-healing-continued never continued as new');
          await new Promise((r) => setTimeout(r, 200));
        }
        service.break();
        await waitForState(h, (s) => (planOf(s)?.state.counters.recoveries ?? 0) >= 1 && planOf(s)?.state.phase === 'healthy', 45_000);
        await h.executeUpdate(overrideUpdates.abort, { args: [{ by: 'oncall', reason: 'recorded enough' }] });
        return { workflowId: h.workflowId, result: await env.client.workflow.getHandle(h.workflowId).result() };
      });
    } finally {
      await service.close();
    }
  },
};
