/**
 * Time from a bad canary receiving traffic to full rollback, through the shipped
 * canary-rollout runbook with a 1 s analysis interval: router and demo services as real
 * processes, live load, a real worker. Measured from the run's own record: the end of the
 * weight change that sent traffic to the canary, to the end of the weight change that took
 * it all back. Target ≤ 5 s (Flagger's default loop takes minutes).
 *   GENIE_BENCH_ROLLOUT_TRIALS   rollouts (default 5)
 * Alone: `npm run bench:rollout`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { metrics as trafficMetrics, setWeights } from '../activities/traffic';
import { startDemoEnvironment } from '../src/demo/environment';
import { startRunbook } from '../src/temporal/runs';
import { createGenieWorker } from '../src/temporal/worker';
import type { StepRecord } from '../workflows/api';
import { log } from './log';
import { freePort } from './ports';
import { summarize } from './stats';

const TOKEN = 'bench-rollout-token';
const ROUTE = 'app';

export async function rollbackTime(env: TestWorkflowEnvironment, trials = 5): Promise<Record<string, unknown>> {
  const processDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-bench-rollout-'));
  const ports = { stable: await freePort(), canary: await freePort() };
  const demo = await startDemoEnvironment({
    routerPort: await freePort(),
    routerAdminPort: await freePort(),
    stablePort: ports.stable,
    canaryPort: ports.canary,
    token: TOKEN,
    processDir,
    route: ROUTE,
  });
  const saved = { ...process.env };
  Object.assign(process.env, {
    GENIE_ROUTER_ADMIN_URL: demo.router.adminUrl,
    GENIE_ROUTER_TOKEN: TOKEN,
    GENIE_PROCESS_DIR: processDir,
    GENIE_DEPLOY_PORTS: `stable=${ports.stable},canary=${ports.canary}`,
  });
  const taskQueue = 'bench-rollout';
  const worker = await createGenieWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue });
  let loading = true;
  const load = (async () => {
    while (loading) {
      await request(`${demo.router.url}/items/1`).then(
        (r) => r.body.dump(),
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const samples: number[] = [];
  try {
    await worker.runUntil(async () => {
      for (let i = 1; i <= trials; i++) {
        await quiet();
        const handle = await startRunbook(env.client, {
          runbook: 'canary-rollout',
          taskQueue,
          requestedBy: 'bench',
          searchAttributes: true,
          params: { version: `9.0.${i}`, weights: [20], stepPause: '1m', analysisInterval: '1s', demo: { errorRate: 0.5 } },
        });
        const result = await handle.result();
        if (result.status !== 'rolled_back') throw new Error(`trial ${i}: ${result.status} ${JSON.stringify(result.error)}`);
        const ended = (id: string) => Date.parse(result.steps.find((s: StepRecord) => s.id === id)?.endedAt ?? 'x');
        const ms = ended('onFailure.restoreWeights') - ended('shift[0].setWeight');
        if (!Number.isFinite(ms)) throw new Error(`trial ${i}: step times missing: ${result.steps.map((s) => s.id).join(', ')}`);
        samples.push(ms);
        log(`rollout trial ${i}/${trials}: rolled back ${ms} ms after the canary got traffic`);
      }
    });
  } finally {
    loading = false;
    await load;
    await demo.supervisor.stop('canary').catch(() => undefined);
    await demo.stop();
    process.env = saved;
    fs.rmSync(processDir, { recursive: true, force: true });
  }
  return {
    what: 'bad canary (50% errors) at 20% weight → weights back to 100/0 and canary stopping, canary-rollout runbook, 1 s background analysis interval, ~80 rps load',
    trials,
    rollbackMs: summarize(samples),
    targetMs: 5000,
  };

  /** Each trial starts with no errors of the previous canary in the canary pool's 10 s window. */
  async function quiet(): Promise<void> {
    await setWeights.run({ route: ROUTE, weights: { stable: 100, canary: 0 } });
    while (((await trafficMetrics.run({ pool: 'canary', window: '10s' })) as { stats: { errors: number } }).stats.errors > 0) {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
