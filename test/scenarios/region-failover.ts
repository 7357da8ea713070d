/**
 * region-failover on real PostgreSQL regions (src/failover/environment.ts: two regions, each
 * a PostgreSQL node and an app behind the router): the primary region r1 is SIGKILLed, the
 * monitor's observer quorum calls it down, the standby r2 is promoted and traffic switched,
 * and the run verifies one writer and a test write through the router. No failback, so the
 * recording stays short.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFailoverEnvironment } from '../../src/failover';
import { startInline, waitForState } from '../helpers/runbooks';
import { expectStatus, withEnv, type Scenario } from './scenario';

export const regionFailover: Scenario = {
  name: 'region-failover',
  async run(env, queue) {
    const regions = await startFailoverEnvironment({ regions: 2, upstreamTimeout: '1s' });
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-record-failover-'));
    const vars = { GENIE_STATE_DIR: stateDir, GENIE_REGIONS: regions.regionsFile, GENIE_ROUTER_ADMIN_URL: regions.adminUrl, GENIE_ROUTER_TOKEN: regions.token };
    try {
      return await withEnv(vars, async () => {
        const h = await startInline(env, queue, 'region-failover', {
          workflowId: 'region-failover',
          params: { primary: 'r1', routerUrl: regions.routerUrl, failback: 'never', window: '10s' },
        });
        await waitForState(h, (s) => s.steps.some((x) => x.stepId === 'monitor' && x.status === 'running'), 30_000);
        // Let the observers see a healthy primary for a moment, so the history holds a real detection.
        await new Promise((r) => setTimeout(r, 1_500));
        await regions.kill('r1', 'SIGKILL');
        const result = expectStatus('region-failover', await h.result(), 'succeeded');
        if (result.outputs.failedOverTo !== 'r2') throw new Error(`region-failover failed over to ${String(result.outputs.failedOverTo)}, not r2`);
        return { workflowId: h.workflowId, result };
      });
    } finally {
      await regions.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  },
};
