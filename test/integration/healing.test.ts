/**
 * The self-healing runbook against real processes and a real Temporal dev server: a
 * crashed demo service is restarted (MTTR measured), a service that stays down walks the
 * ladder with growing backoff and escalates, and a recovery that makes things worse is
 * rolled back. Short periods and backoffs keep it fast.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { genieArgv, Supervisor } from '../../src/process';
import { decodeHistory } from '../../src/temporal/codec/decode-history';
import { overrideUpdates, type RunState } from '../../workflows/api';
import { freePort } from '../helpers/ports';
import { startInline, waitForState } from '../helpers/runbooks';
import { localEnv, uniqueQueue, withWorker } from '../helpers/temporal';

interface PlanOut {
  action: string;
  strategy?: string;
  waitMs: number;
  reason: string;
  state: {
    phase: string;
    backoffLevel: number;
    counters: Record<string, number>;
    closed: { mttrMs: number }[];
    incident?: { attempts: { kind: string; strategy: string; result?: string }[] };
    trend: Record<string, unknown[]>;
  };
}

const planOf = (s: RunState) => s.steps.find((x) => x.id === 'monitor.plan')?.output as PlanOut | undefined;

/** A webhook receiver that records what it was sent and runs `onCall` for each. */
async function receiver(onCall: (body: Record<string, unknown>) => Promise<void> | void = () => undefined) {
  const calls: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', async () => {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      calls.push({ path: req.url, ...body });
      await onCall({ path: req.url, ...body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((r) => server.close(r)) };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const r = await request(url, { headersTimeout: 300, bodyTimeout: 300 });
    await r.body.dump();
    return r.statusCode === 200;
  } catch {
    return false;
  }
}

describe('self-healing runbook (real processes, real Temporal)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let dir: string;
  let supervisor: Supervisor;
  const saved = process.env.GENIE_PROCESS_DIR;

  before(async () => {
    env = await localEnv();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-healing-'));
    process.env.GENIE_PROCESS_DIR = dir;
    supervisor = new Supervisor({ dir });
  });
  after(async () => {
    for (const p of supervisor.list()) await supervisor.stop(p.name, { graceMs: 1000 }).catch(() => undefined);
    if (saved === undefined) delete process.env.GENIE_PROCESS_DIR;
    else process.env.GENIE_PROCESS_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function demo(name: string) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await supervisor.start({
      name,
      argv: genieArgv(['demo-service', '--name', name, '--version', '1.0.0', '--port', String(port)]),
      healthUrl: `${url}/health`,
      version: '1.0.0',
    });
    return url;
  }

  const fast = { backoff: { initial: '300ms', factor: 2, max: '2s', resetAfter: '30s' }, watch: '3s', verify: '4s' };

  it('restarts a crashed demo service; healthy again, MTTR measured and in the state', async () => {
    const url = await demo('heal-crash');
    const queue = uniqueQueue('heal-crash');
    await withWorker(env, queue, async () => {
      const handle = await startInline(env, queue, 'self-healing', {
        params: {
          service: 'heal-crash',
          ...fast,
          checks: { web: { http: { url: `${url}/health` }, period: '250ms', timeout: '200ms', failureThreshold: 2 } },
          ladder: { restart: { process: { name: 'heal-crash' }, maxAttempts: 2 } },
        },
      });
      await waitForState(handle, (s) => planOf(s) !== undefined, 30_000);
      const pid = supervisor.status('heal-crash').pid!;
      const crashedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      while (!(await healthy(`${url}/health`))) {
        assert.ok(Date.now() - crashedAt < 20_000, 'the service was not restarted within 20 s');
        await new Promise((r) => setTimeout(r, 25));
      }
      const mttrMs = Date.now() - crashedAt;
      console.log(`      MTTR (crash → answering again, 250ms probes, threshold 2): ${mttrMs} ms`);
      const state = await waitForState(handle, (s) => (planOf(s)?.state.counters.recoveries ?? 0) >= 1, 20_000);
      const plan = planOf(state)!;
      assert.equal(plan.state.phase, 'healthy');
      assert.notEqual(supervisor.status('heal-crash').pid, pid, 'a new process answers');
      const restart = state.steps.find((x) => x.id.endsWith('do_process'));
      assert.equal(restart?.status, 'succeeded', 'the restart rung ran process.restart');
      assert.equal((restart!.output as { previousPid: number | null }).previousPid, null, 'process.restart found the crashed process dead');
      assert.equal(supervisor.status('heal-crash').restarts, 1);
      assert.ok(plan.state.closed[0].mttrMs > 0);
      assert.ok((plan.state.trend.web ?? []).length > 0, 'the trend per check is in the state');
      await handle.executeUpdate(overrideUpdates.abort, { args: [{ by: 'test', reason: 'done' }] });
    });
  });

  it('a service that stays down walks the ladder with growing backoff, then escalates; each attempt in history', async () => {
    const pager = await receiver();
    const cache = fs.mkdtempSync(path.join(dir, 'cache-'));
    fs.writeFileSync(path.join(cache, 'old.bin'), Buffer.alloc(4096));
    const savedAllow = process.env.GENIE_CLEANUP_ALLOWLIST;
    process.env.GENIE_CLEANUP_ALLOWLIST = dir;
    const queue = uniqueQueue('heal-ladder');
    const port = await freePort(); // nothing listens: down whatever is tried
    try {
      await withWorker(env, queue, async () => {
        const handle = await startInline(env, queue, 'self-healing', {
          params: {
            service: 'heal-down',
            ...fast,
            checks: { web: { tcp: { host: '127.0.0.1', port }, period: '200ms', timeout: '150ms', failureThreshold: 2 } },
            ladder: {
              restart: { process: { name: 'heal-never-registered' }, maxAttempts: 2 },
              cleanup: { cleanup: { path: cache, maxBytes: 0 }, maxAttempts: 1 },
              escalate: { webhook: { url: `${pager.url}/page`, payload: { severity: 'page' } } },
            },
          },
        });
        const state = await waitForState(
          handle,
          (s) => planOf(s)?.state.phase === 'escalated' && pager.calls.length === 1 && planOf(s)!.state.incident!.attempts.length === 4,
          45_000,
        );
        const attempts = planOf(state)!.state.incident!.attempts.map((a) => `${a.kind}:${a.strategy}:${a.result}`);
        assert.deepEqual(attempts, [
          'recover:restart:action-failed',
          'recover:restart:action-failed',
          'recover:cleanup:not-recovered',
          'escalate:escalate:escalated',
        ]);
        assert.equal(fs.readdirSync(cache).length, 0, 'the cleanup rung emptied the cache directory');
        assert.equal((pager.calls[0].genie as { strategy: string }).strategy, 'escalate');
        await handle.executeUpdate(overrideUpdates.abort, { args: [{ by: 'test', reason: 'done' }] });
        // History: every decision is a heal.plan activity; the backoffs grow 300 → 600 → 1200 ms.
        const { events } = await handle.fetchHistory();
        const { payloadConverter, payloadCodecs } = env.client.options.loadedDataConverter;
        const waits: number[] = [];
        for (const e of await decodeHistory(events ?? [], payloadCodecs)) {
          const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
          const out = payload ? payloadConverter.fromPayload<{ output?: PlanOut }>(payload).output : undefined;
          if (out?.action === 'none' && out.waitMs > 0 && out.state?.phase === 'recovering') waits.push(out.waitMs);
        }
        assert.deepEqual(waits.slice(0, 3), [300, 600, 1200]);
      });
    } finally {
      if (savedAllow === undefined) delete process.env.GENIE_CLEANUP_ALLOWLIST;
      else process.env.GENIE_CLEANUP_ALLOWLIST = savedAllow;
      await pager.close();
    }
  });

  it('a recovery that makes the health score worse is rolled back', async () => {
    const url = await demo('heal-worse');
    const setErrors = async (errorRate: number) => {
      const r = await request(`${url}/_demo/behavior`, { method: 'PUT', body: JSON.stringify({ errorRate }), headers: { 'content-type': 'application/json' } });
      await r.body.dump();
    };
    // The scale webhook breaks the API (error rate 1); its rollback restores it.
    const scaler = await receiver(async (body) => setErrors((body as { replicas?: number }).replicas === 3 ? 1 : 0));
    const down = await freePort();
    const queue = uniqueQueue('heal-worse');
    try {
      await withWorker(env, queue, async () => {
        const handle = await startInline(env, queue, 'self-healing', {
          params: {
            service: 'heal-worse',
            ...fast,
            checks: {
              db: { tcp: { host: '127.0.0.1', port: down }, period: '200ms', timeout: '150ms', failureThreshold: 2 },
              api: { http: { url: `${url}/orders` }, period: '200ms', timeout: '300ms', failureThreshold: 2 },
            },
            ladder: {
              scale: {
                webhook: { url: `${scaler.url}/scale`, payload: { replicas: 3 } },
                maxAttempts: 1,
                rollback: { webhook: { url: `${scaler.url}/scale`, payload: { replicas: 1 } } },
              },
            },
          },
        });
        const state = await waitForState(handle, (s) => (planOf(s)?.state.incident?.attempts ?? []).some((a) => a.result === 'rolled-back'), 45_000);
        const attempts = planOf(state)!.state.incident!.attempts.map((a) => `${a.kind}:${a.strategy}:${a.result}`);
        assert.deepEqual(attempts.slice(0, 2), ['recover:scale:worse', 'rollback:scale:rolled-back']);
        assert.deepEqual(
          scaler.calls.map((c) => c.replicas),
          [3, 1],
        );
        assert.ok(await healthy(`${url}/orders`), 'the rollback restored the API');
        await handle.executeUpdate(overrideUpdates.abort, { args: [{ by: 'test', reason: 'done' }] });
      });
    } finally {
      await scaler.close();
    }
  });
});
