/**
 * canary-rollout with a canary answering 20% errors: the background analysis fails while the
 * first weight is held, the pause is cancelled and the onFailure rollback restores the weights
 * and stops the canary. Real router and demo services (supervised processes), real load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDemoEnvironment } from '../../src/demo/environment';
import { freePort } from '../helpers/ports';
import { startInline } from '../helpers/runbooks';
import { startLoad } from './load';
import { expectStatus, withEnv, type Scenario } from './scenario';

const ROUTE = 'app';

export const canaryRollback: Scenario = {
  name: 'canary-rollback',
  async run(env, queue) {
    const processDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-record-canary-'));
    const token = 'record-canary-router-token';
    const ports = { stable: await freePort(), canary: await freePort() };
    const demo = await startDemoEnvironment({
      routerPort: await freePort(),
      routerAdminPort: await freePort(),
      stablePort: ports.stable,
      canaryPort: ports.canary,
      token,
      processDir,
      route: ROUTE,
    });
    const load = startLoad(`${demo.router.url}/items/1`);
    const vars = {
      GENIE_PROCESS_DIR: processDir,
      GENIE_ROUTER_ADMIN_URL: demo.router.adminUrl,
      GENIE_ROUTER_TOKEN: token,
      GENIE_DEPLOY_PORTS: `stable=${ports.stable},canary=${ports.canary}`,
    };
    try {
      return await withEnv(vars, async () => {
        // A one-minute hold that the failing analysis must cut short; 1 s measurements keep the history small.
        const h = await startInline(env, queue, 'canary-rollout', {
          workflowId: 'canary-rollback',
          requestedBy: 'release-bot',
          params: { route: ROUTE, version: '2.1.0', weights: [20, 50], stepPause: '1m', analysisInterval: '1s', demo: { errorRate: 0.2 } },
        });
        return { workflowId: h.workflowId, result: expectStatus('canary-rollback', await h.result(), 'rolled_back', 'ANALYSIS_FAILED') };
      });
    } finally {
      await load.stop();
      // deploy.start replaced the canary process: stop both by name, then the environment.
      await demo.supervisor.stop('canary').catch(() => undefined);
      await demo.supervisor.stop('stable').catch(() => undefined);
      await demo.stop();
      fs.rmSync(processDir, { recursive: true, force: true });
    }
  },
};
