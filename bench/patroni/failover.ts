/**
 * The Patroni half of `npm run bench:failover -- --vs patroni`: the same faults and the same
 * write load (WriteLoad, 5 ms apart, 3 s timeout) against three regions managed by Patroni
 * behind HAProxy, measured with the same checker (gapAround for write RTO,
 * missingAcknowledged for RPO). kill = the leader's whole region dies (Patroni and
 * PostgreSQL SIGKILLed, as Genie's kill fault kills a region); hang = the leader's PostgreSQL
 * is SIGSTOPped while its Patroni keeps running. A trial not failed over in `trialTimeoutMs`
 * is recorded as such (Patroni's answer to that fault), not hidden.
 */
import { WriteLoad, missingAcknowledged } from '../../src/failover';
import { PATRONI_SETTINGS, startPatroniCluster, type PatroniCluster } from '../../src/failover/patroni/cluster';
import { PATRONI_VERSION } from '../../src/failover/patroni/setup';
import { percentile } from '../stats';

export interface PatroniTrial {
  fault: 'kill' | 'hang';
  from: string;
  to?: string;
  outcome: 'failed-over' | 'timed-out';
  switchMs?: number;
  writeRtoMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const stat = (xs: (number | undefined | null)[]) => {
  const v = xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return v.length
    ? { n: v.length, p50: r(percentile(v, 0.5)), p95: r(percentile(v, 0.95)), p99: r(percentile(v, 0.99)), max: r(v[v.length - 1]!), min: r(v[0]!) }
    : null;
};

async function trial(cluster: PatroniCluster, load: WriteLoad, fault: 'kill' | 'hang', trialTimeoutMs: number): Promise<PatroniTrial> {
  const from = await cluster.waitForLeader();
  for (const m of cluster.members) if (m.name !== from) await cluster.waitForReplica(m.name, 120_000);
  await load.waitForAcks(20, 30_000);
  const at = Date.now();
  if (fault === 'kill') cluster.killMember(from);
  else cluster.fault(from, 'SIGSTOP');
  let to: string | undefined;
  try {
    to = await cluster.waitForLeader({ not: from, timeoutMs: trialTimeoutMs });
  } catch {
    to = undefined;
  }
  const switchMs = to ? Date.now() - at : undefined;
  if (to) await load.waitForAcks(5, 30_000).catch(() => undefined);
  const { gapMs } = load.gapAround(at);
  // Rejoin, as the Genie bench does: the old leader comes back and must serve as a replica.
  if (fault === 'kill') cluster.restartMember(from);
  else cluster.fault(from, 'SIGCONT');
  if (to) await cluster.waitForReplica(from, 120_000);
  else await sleep(1_000);
  return {
    fault,
    from,
    ...(to ? { to, switchMs } : {}),
    outcome: to ? 'failed-over' : 'timed-out',
    ...(to && gapMs !== undefined ? { writeRtoMs: gapMs } : {}),
  };
}

export async function runPatroniFailover(options: { trials: number; trialTimeoutMs?: number; log?: (l: string) => void }): Promise<Record<string, unknown>> {
  const log = options.log ?? (() => undefined);
  const trialTimeoutMs = options.trialTimeoutMs ?? 60_000;
  const cluster = await startPatroniCluster({ synchronous: false, log });
  const load = new WriteLoad({ url: cluster.appUrl, intervalMs: 5, timeoutMs: 3_000 }).start();
  const results: PatroniTrial[] = [];
  let lost: (number | string)[] = [];
  let report: Awaited<ReturnType<WriteLoad['stop']>> | undefined;
  try {
    for (const fault of ['kill', 'hang'] as const) {
      for (let i = 0; i < options.trials; i++) {
        const t = await trial(cluster, load, fault, trialTimeoutMs);
        results.push(t);
        log(`patroni ${fault} ${i + 1}/${options.trials}: ${t.outcome} ${t.from}→${t.to ?? '-'} switch ${t.switchMs} ms, write RTO ${t.writeRtoMs} ms`);
      }
    }
  } finally {
    report = await load.stop();
    const leader = await cluster.leader().catch(() => undefined);
    const m = cluster.members.find((x) => x.name === leader);
    lost = m
      ? await missingAcknowledged({ region: m.name, host: '127.0.0.1', port: m.pgPort, user: 'postgres', database: 'postgres' }, report.acks).catch((e) => [
          `could not check: ${(e as Error).message}`,
        ])
      : ['could not check: no leader at the end'];
    await cluster.stop();
  }
  const per = (fault: 'kill' | 'hang') => {
    const rs = results.filter((r) => r.fault === fault);
    return {
      trials: rs.length,
      failedOver: rs.filter((r) => r.outcome === 'failed-over').length,
      switchMs: stat(rs.map((r) => r.switchMs)),
      writeRtoMs: stat(rs.map((r) => r.writeRtoMs)),
    };
  };
  return {
    setup: {
      patroni: PATRONI_VERSION,
      dcs: 'etcd 3 (Debian etcd-server, one member)',
      ...PATRONI_SETTINGS,
      synchronous_mode: false,
      routing: 'HAProxy, option httpchk GET /primary, inter 100ms fall 1 rise 1, on-marked-down shutdown-sessions',
      trialTimeoutMs,
    },
    kill: per('kill'),
    hang: per('hang'),
    rpo: { acknowledgedWrites: report.acknowledged, acknowledgedLost: lost.length, lost: lost.slice(0, 20), failedWrites: report.failed },
  };
}
