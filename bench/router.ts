/**
 * Router overhead on loopback, side by side in one run: the same demo upstream reached
 * directly, through the Genie router, and through nginx (worker_processes 1 and auto), all
 * with keep-alive to the upstream.
 *
 * - Fixed rates (200 and 1,000 rps, open loop, latency from each request's intended start):
 *   p50/p99 per target; the router's added latency is its p50 minus the direct p50.
 * - Maximum throughput (closed loop, N concurrent connections): requests per second, and the
 *   CPU each proxy process spent per 1,000 requests (from /proc).
 * Targets: added p50 ≤ 1 ms at 1,000 rps; router throughput ≥ 40% of nginx's.
 * Order rotates per round, so no target always runs first or right after another.
 */
import { freePort } from './ports';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { spawnGenie, type ProcessHandle } from '../src/demo/environment';
import { closedLoop, openLoop, percentileOf, type LoadResult } from '../src/demo/load-generator';
import { log } from './log';
import { findNginx, startNginx, type RunningNginx } from './router-nginx';

export interface RouterBenchOptions {
  rates?: number[];
  /** Seconds per fixed-rate measurement (default 5). */
  durationS?: number;
  /** Seconds per throughput measurement (default 3). */
  throughputS?: number;
  /** Connections of the throughput load (default 64). */
  concurrency?: number;
  /** Rounds of the fixed-rate measurements, order rotated (default 2). */
  rounds?: number;
  /** Rounds of the throughput measurement, order rotated (default 5): short and interleaved, because a shared machine's speed drifts. */
  throughputRounds?: number;
}

interface Target {
  name: string;
  url: string;
  /** Processes whose CPU the target costs (the proxy's, not the upstream's). */
  pids: () => number[];
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function summary(results: LoadResult[], seconds: number) {
  const latencies = results.flatMap((r) => r.latenciesMs);
  const requests = results.reduce((n, r) => n + r.completed, 0);
  return {
    requests,
    errors: results.reduce((n, r) => n + r.errors, 0),
    achievedRps: round(requests / (seconds * results.length), 1),
    p50Ms: round(percentileOf(latencies, 0.5)),
    p90Ms: round(percentileOf(latencies, 0.9)),
    p99Ms: round(percentileOf(latencies, 0.99)),
    maxMs: round(Math.max(...latencies)),
  };
}

/** utime + stime of the processes, in ms. */
function cpuMs(pids: number[]): number {
  const tick = clockTickMs();
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // Gone or not Linux.
    }
  }
  return total;
}

let tickMs: number | undefined;
function clockTickMs(): number {
  if (tickMs === undefined) {
    try {
      tickMs = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      tickMs = 10;
    }
  }
  return tickMs;
}

/** A process and its children (nginx's master and workers). */
function withChildren(pid: number): number[] {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [pid, ...children];
  } catch {
    return [pid];
  }
}

export async function routerBenchmark(options: RouterBenchOptions = {}): Promise<Record<string, unknown>> {
  const rates = options.rates ?? [200, 1000];
  const durationS = options.durationS ?? 5;
  const throughputS = options.throughputS ?? 3;
  const concurrency = options.concurrency ?? 64;
  const rounds = options.rounds ?? 2;
  const throughputRounds = options.throughputRounds ?? 5;
  const processes: ProcessHandle[] = [];
  const nginxes: RunningNginx[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-bench-router-'));
  try {
    const upstreamPort = await freePort();
    const upstream = spawnGenie('upstream', `http://127.0.0.1:${upstreamPort}`, [
      'demo-service',
      '--name',
      'bench',
      '--version',
      '1.0.0',
      '--port',
      String(upstreamPort),
    ]);
    processes.push(upstream);
    const configFile = path.join(dir, 'router.yaml');
    fs.writeFileSync(configFile, stringify({ pools: { app: { origins: [upstream.url], connections: 128 } }, routes: { all: { weights: { app: 100 } } } }));
    const routerPort = await freePort();
    const router = spawnGenie(
      'router',
      `http://127.0.0.1:${routerPort}`,
      ['router', '--config', configFile, '--port', String(routerPort), '--admin-port', String(await freePort())],
      { GENIE_ROUTER_TOKEN: 'bench-token' },
    );
    processes.push(router);
    await Promise.all([waitFor(upstream, /listening/), waitFor(router, /router listening/)]);

    const targets: Target[] = [
      { name: 'direct', url: upstream.url, pids: () => [] },
      { name: 'router', url: router.url, pids: () => [router.child.pid!] },
    ];
    const nginxBinary = findNginx();
    let nginxNote: string | undefined;
    if (nginxBinary) {
      for (const workers of ['1', 'auto']) {
        const nginx = await startNginx(nginxBinary, { port: await freePort(), upstream: upstream.url, workerProcesses: workers });
        nginxes.push(nginx);
        targets.push({ name: workers === '1' ? 'nginx1' : 'nginxAuto', url: nginx.url, pids: () => withChildren(nginx.pid) });
      }
    } else nginxNote = 'nginx not found: apt-get update && apt-get install -y nginx';

    const fixed: Record<string, Record<string, LoadResult[]>> = Object.fromEntries(rates.map((r) => [r, Object.fromEntries(targets.map((t) => [t.name, []]))]));
    const throughput: Record<
      string,
      Array<{ rps: number; completed: number; errors: number; latencies: number[]; cpuMs: number; upstreamCpuMs: number }>
    > = Object.fromEntries(targets.map((t) => [t.name, []]));

    for (let r = 0; r < rounds; r++) {
      for (const target of targets.map((_, i) => targets[(i + r) % targets.length])) {
        log(`round ${r + 1}/${rounds}: ${target.name} warm-up, then ${rates.join(' and ')} rps for ${durationS}s each`);
        await closedLoop({ origin: target.url, concurrency: 16, durationMs: 1000 });
        for (const rate of rates)
          fixed[rate][target.name].push(await openLoop({ origin: target.url, rate, count: Math.round(rate * durationS), connections: 256 }));
      }
    }
    for (let r = 0; r < throughputRounds; r++) {
      for (const target of targets.map((_, i) => targets[(i + r) % targets.length])) {
        log(`throughput round ${r + 1}/${throughputRounds}: ${target.name}, ${concurrency} connections, ${throughputS}s`);
        const cpuBefore = cpuMs(target.pids());
        const upstreamBefore = cpuMs([upstream.child.pid!]);
        const t = await closedLoop({ origin: target.url, concurrency, durationMs: throughputS * 1000 });
        throughput[target.name].push({
          rps: t.completed / (t.durationMs / 1000),
          completed: t.completed,
          errors: t.errors,
          latencies: t.latenciesMs,
          cpuMs: cpuMs(target.pids()) - cpuBefore,
          upstreamCpuMs: cpuMs([upstream.child.pid!]) - upstreamBefore,
        });
      }
    }

    const fixedRate = Object.fromEntries(
      rates.map((rate) => [rate, Object.fromEntries(targets.map((t) => [t.name, summary(fixed[rate][t.name], durationS)]))]),
    );
    const maxThroughput = Object.fromEntries(
      targets.map((t) => {
        const runs = throughput[t.name];
        const best = median(runs.map((x) => x.rps));
        const requests = runs.reduce((n, x) => n + x.completed, 0);
        return [
          t.name,
          {
            rps: round(best, 0),
            roundsRps: runs.map((x) => round(x.rps, 0)),
            errors: runs.reduce((n, x) => n + x.errors, 0),
            p50Ms: round(
              percentileOf(
                runs.flatMap((x) => x.latencies),
                0.5,
              ),
            ),
            p99Ms: round(
              percentileOf(
                runs.flatMap((x) => x.latencies),
                0.99,
              ),
            ),
            ...(t.name === 'direct' ? {} : { proxyCpuMsPer1kRequests: round((runs.reduce((n, x) => n + x.cpuMs, 0) / requests) * 1000, 1) }),
            upstreamCpuMsPer1kRequests: round((runs.reduce((n, x) => n + x.upstreamCpuMs, 0) / requests) * 1000, 1),
          },
        ];
      }),
    );

    const at = (rate: number, name: string) => (fixedRate[rate] as Record<string, ReturnType<typeof summary>>)[name];
    const top = Math.max(...rates);
    const tp = (name: string) => (maxThroughput[name] as { rps: number } | undefined)?.rps;
    const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? round(a / b) : null);
    const ratios = {
      routerAddedP50MsAt1000: round(at(top, 'router').p50Ms - at(top, 'direct').p50Ms),
      routerAddedP99MsAt1000: round(at(top, 'router').p99Ms - at(top, 'direct').p99Ms),
      ...(nginxBinary
        ? {
            nginx1AddedP50MsAt1000: round(at(top, 'nginx1').p50Ms - at(top, 'direct').p50Ms),
            nginxAutoAddedP50MsAt1000: round(at(top, 'nginxAuto').p50Ms - at(top, 'direct').p50Ms),
            routerVsNginx1P50At1000: ratio(at(top, 'router').p50Ms, at(top, 'nginx1').p50Ms),
            routerVsNginx1P99At1000: ratio(at(top, 'router').p99Ms, at(top, 'nginx1').p99Ms),
            routerVsNginx1Throughput: ratio(tp('router'), tp('nginx1')),
            routerVsNginxAutoThroughput: ratio(tp('router'), tp('nginxAuto')),
          }
        : {}),
      routerVsDirectThroughput: ratio(tp('router'), tp('direct')),
    };
    return {
      benchmark: 'traffic router overhead on loopback: direct vs genie router vs nginx',
      timestamp: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        nginx: nginxes[0]?.version ?? null,
      },
      method:
        `Fixed rates: ${rounds} rounds, target order rotated per round; per target a 1 s closed-loop warm-up, then open loop at ${rates.join(' and ')} rps for ${durationS} s each ` +
        `(latency from each request's intended start; samples of all rounds pooled). Throughput: ${throughputRounds} rounds of a ${throughputS} s closed loop with ${concurrency} connections per target, ` +
        'order rotated per round, median round reported. ' +
        'Upstream: one genie demo-service process (no added latency). Router: genie router, one process. nginx: worker_processes 1 and auto, upstream keepalive 128, access_log off. ' +
        'Load generator: undici in this process. All on the same cores.',
      ...(nginxNote ? { note: nginxNote } : {}),
      fixedRate,
      maxThroughput,
      ratios,
      targets: {
        addedP50MsAt1000: { target: '<= 1', value: ratios.routerAddedP50MsAt1000, met: ratios.routerAddedP50MsAt1000 <= 1 },
        throughputVsNginx1: {
          target: '>= 0.4',
          value: ratios.routerVsNginx1Throughput ?? null,
          met: ratios.routerVsNginx1Throughput === undefined ? null : (ratios.routerVsNginx1Throughput ?? 0) >= 0.4,
        },
        throughputVsNginxAuto: {
          target: '>= 0.4',
          value: ratios.routerVsNginxAutoThroughput ?? null,
          met: ratios.routerVsNginxAutoThroughput === undefined ? null : (ratios.routerVsNginxAutoThroughput ?? 0) >= 0.4,
        },
      },
    };
  } finally {
    await Promise.all(nginxes.map((n) => n.stop()));
    await Promise.all(processes.map((p) => p.stop(5_000)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(handle: ProcessHandle, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(handle.output())) {
    if (handle.child.exitCode !== null) throw new Error(`${handle.name} exited: ${handle.output()}`);
    if (Date.now() > deadline) throw new Error(`${handle.name} not ready: ${handle.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
