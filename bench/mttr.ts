/**
 * MTTR of a crashed demo service under the shipped self-healing runbook, with 500 ms probes
 * (issue target: p50 ≤ 2 s). A real demo service runs under the process supervisor; the
 * monitor (runbooks/self-healing.yaml on a real dev server and worker) watches its /health;
 * the benchmark SIGKILLs it and times crash → answering 200 again, seen by an outside poller
 * every 20 ms. Each failureThreshold is measured in its own monitor run, crashes one after
 * another (each once the previous incident is closed).
 *
 * Reported per failureThreshold: MTTR p50/p95/min/max (outside view), the runbook's own
 * recorded MTTR (first failed probe → healthy verification), and detection (crash → the
 * first failed probe; worker and benchmark share the machine's clock).
 *
 *   npm run -s bench:mttr          one JSON object on stdout, progress on stderr
 *   GENIE_BENCH_MTTR_CRASHES       crashes per threshold (default 7, at least 5)
 *   GENIE_BENCH_MTTR_THRESHOLDS    failureThresholds, comma-separated (default "1,2")
 *
 * Standalone it forks itself (as bench/run.ts does) so the dev server's banner on stdout
 * never corrupts the JSON; bench/suite.ts calls mttrBenchmark with its own server.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { request } from 'undici';
import { genieArgv, Supervisor } from '../src/process';
import { loadWorkflowBundle } from '../src/temporal/bundle';
import { genieDataConverter } from '../src/temporal/data-converter';
import { startRunbook } from '../src/temporal/runs';
import { genieActivities } from '../src/temporal/worker';
import { overrideUpdates, stateQuery, type RunState } from '../workflows/api';
import { runForked } from './forked';
import { log } from './log';
import { machine } from './machine';
import { startServer } from './server';
import { ratio, summarize } from './stats';

export interface MttrOptions {
  crashes?: number;
  thresholds?: number[];
}

const PROBE_PERIOD = '500ms';
const TARGET_P50_MS = 2000;

interface PlanView {
  state: { phase: string; counters: { recoveries: number }; closed: { since: string; mttrMs: number; outcome: string }[] };
}

const planOf = (s: RunState) => s.steps.find((x) => x.id === 'monitor.plan')?.output as PlanView | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const r = await request(url, { headersTimeout: 200, bodyTimeout: 200 });
    await r.body.dump();
    return r.statusCode === 200;
  } catch {
    return false;
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export async function mttrBenchmark(env: TestWorkflowEnvironment, options: MttrOptions = {}) {
  const crashes = Math.max(5, options.crashes ?? 7);
  const thresholds = options.thresholds ?? [1, 2];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-bench-mttr-'));
  const savedDir = process.env.GENIE_PROCESS_DIR;
  process.env.GENIE_PROCESS_DIR = dir; // process.restart in the worker finds the same supervisor state
  const supervisor = new Supervisor({ dir });
  const taskQueue = `bench-mttr-${process.pid}`;
  const dataConverter = genieDataConverter();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await loadWorkflowBundle(),
    activities: genieActivities(),
    ...(dataConverter ? { dataConverter } : {}),
  });
  const results: Record<string, unknown>[] = [];
  try {
    await worker.runUntil(async () => {
      for (const failureThreshold of thresholds) {
        const name = `mttr-${failureThreshold}`;
        const port = await freeTcpPort();
        const health = `http://127.0.0.1:${port}/health`;
        await supervisor.start({
          name,
          argv: genieArgv(['demo-service', '--name', name, '--version', '1.0.0', '--port', String(port)]),
          healthUrl: health,
          version: '1.0.0',
        });
        const handle = await startRunbook(env.client, {
          runbook: 'self-healing',
          requestedBy: 'bench',
          taskQueue,
          searchAttributes: false,
          params: {
            service: name,
            watch: '30s',
            verify: '10s',
            backoff: { initial: '1s', factor: 2, max: '10s', resetAfter: '10s' },
            // The default (6 per hour) would rightly escalate a service crashing this often.
            limits: { maxAttemptsPerWindow: 1000, window: '1h' },
            checks: { web: { http: { url: health }, period: PROBE_PERIOD, timeout: '400ms', failureThreshold } },
            ladder: { restart: { process: { name }, maxAttempts: 3 } },
          },
        });
        const outside: number[] = [];
        const detection: number[] = [];
        const recorded: number[] = [];
        try {
          await until(
            'the monitor watching',
            30_000,
            async () => ((await handle.query(stateQuery)).steps.some((x) => x.id === 'monitor.observe' && x.status === 'running') ? true : undefined),
            100,
          );
          for (let i = 0; i < crashes; i++) {
            await sleep(700); // a steady moment between crashes, as in life
            const pid = supervisor.status(name).pid;
            if (!pid) throw new Error(`${name} is not running before crash ${i + 1}`);
            const crashedAt = Date.now();
            const t0 = performance.now();
            process.kill(pid, 'SIGKILL');
            await until(`crash ${i + 1}: ${name} answering again`, 30_000, async () =>
              (await answers(health)) && supervisor.status(name).pid !== pid ? true : undefined,
            );
            outside.push(performance.now() - t0);
            const closed = await until(
              `crash ${i + 1}: incident closed`,
              30_000,
              async () => {
                const plan = planOf(await handle.query(stateQuery));
                return plan && plan.state.counters.recoveries >= i + 1 && plan.state.phase === 'healthy' ? plan : undefined;
              },
              100,
            );
            const incident = closed.state.closed.at(-1)!;
            recorded.push(incident.mttrMs);
            detection.push(Date.parse(incident.since) - crashedAt);
            log(`mttr threshold ${failureThreshold}: crash ${i + 1}/${crashes}: ${outside.at(-1)!.toFixed(0)} ms`);
          }
        } finally {
          await handle.executeUpdate(overrideUpdates.abort, { args: [{ by: 'bench', reason: 'measured' }] }).catch(() => undefined);
          await supervisor.stop(name, { graceMs: 1000 }).catch(() => undefined);
        }
        const s = summarize(outside);
        results.push({
          failureThreshold,
          probePeriod: PROBE_PERIOD,
          crashes,
          mttr: { p50Ms: s.medianMs, p95Ms: s.p95Ms, minMs: s.minMs, maxMs: s.maxMs, meanMs: s.meanMs },
          recordedByRunbook: summarize(recorded),
          detection: summarize(detection),
          p50VsTarget: ratio(s.medianMs, TARGET_P50_MS),
          meetsTarget: s.medianMs <= TARGET_P50_MS,
        });
      }
    });
  } finally {
    if (savedDir === undefined) delete process.env.GENIE_PROCESS_DIR;
    else process.env.GENIE_PROCESS_DIR = savedDir;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    what: 'crash (SIGKILL) → /health answers 200 again, seen from outside every 20 ms; self-healing runbook, restart rung via process.restart (supervisor)',
    targetP50Ms: TARGET_P50_MS,
    note: 'recordedByRunbook: first failed probe → healthy verification, from the runbook state; detection: crash → first failed probe',
    results,
  };
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function child(): Promise<unknown> {
  const intEnv = (name: string) => {
    const n = Number(process.env[name] ?? '');
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const thresholds = process.env.GENIE_BENCH_MTTR_THRESHOLDS?.split(',').map((t) => Number(t.trim()));
  if (thresholds?.some((t) => !Number.isInteger(t) || t < 1))
    throw new Error(`GENIE_BENCH_MTTR_THRESHOLDS=${process.env.GENIE_BENCH_MTTR_THRESHOLDS}: whole numbers ≥ 1, comma-separated`);
  log('starting the Temporal dev server');
  const env = await startServer();
  try {
    const result = {
      timestamp: new Date().toISOString(),
      machine: machine(),
      mttr: await mttrBenchmark(env, { crashes: intEnv('GENIE_BENCH_MTTR_CRASHES'), thresholds }),
    };
    return result;
  } finally {
    await env.teardown();
  }
}

if (require.main === module) runForked('bench:mttr', child);
