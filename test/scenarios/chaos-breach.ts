/**
 * chaos-latency with a stop condition that breaches: 400 ms of router latency against a 150 ms
 * p95 bound. The background stop-condition analysis ends the 20 s fault early, the fault is
 * removed (rollback step, then finally) and the report says aborted. Real router and demo
 * service in this process, real load through the router.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDemoService } from '../../src/demo/service';
import { startRouter } from '../../src/router/server';
import { startInline } from '../helpers/runbooks';
import { startLoad } from './load';
import { withEnv, type Scenario } from './scenario';

export const chaosBreach: Scenario = {
  name: 'chaos-latency-breach',
  async run(env, queue) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-record-chaos-'));
    const token = 'record-chaos-router-token';
    const service = await startDemoService({ name: 'canary', version: '1', port: 0 });
    const router = await startRouter({
      token,
      config: { pools: { canary: { origins: [service.url] } }, routes: { web: { match: { pathPrefix: '/' }, weights: { canary: 100 } } } },
    });
    const load = startLoad(router.url);
    const vars = {
      GENIE_CHAOS_DIR: path.join(dir, 'faults'),
      GENIE_CHAOS_TARGETS: 'pool:canary',
      GENIE_ROUTER_ADMIN_URL: router.adminUrl,
      GENIE_ROUTER_TOKEN: token,
    };
    try {
      // The router's metrics need a second of traffic before the steady-state probe.
      await new Promise((r) => setTimeout(r, 1_000));
      return await withEnv(vars, async () => {
        const h = await startInline(env, queue, 'chaos-latency', {
          workflowId: 'chaos-latency-breach',
          params: { pool: 'canary', latency: '400ms', duration: '20s', maxP95Ms: 150, settle: '100ms' },
        });
        const result = await h.result();
        const verdict =
          (result.outputs?.report as { verdict?: string } | undefined)?.verdict ??
          (result.steps.find((s) => s.id === 'finally.finalReport')?.output as { verdict?: string } | undefined)?.verdict;
        if (verdict !== 'aborted') throw new Error(`chaos-latency-breach was to be aborted by its stop condition, but the verdict is ${verdict}`);
        return { workflowId: h.workflowId, result };
      });
    } finally {
      await load.stop();
      await router.close();
      await service.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
