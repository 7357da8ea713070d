/**
 * `npm run bench:failover`: region failover on real PostgreSQL (3 regions, synchronous
 * replication, the router in front), one JSON object on stdout (progress on stderr).
 *
 * For each fault (kill = SIGKILL of the primary region's app and PostgreSQL; hang = SIGSTOP)
 * GENIE_BENCH_FAILOVER_TRIALS trials (default 20): the monitor watches, the primary is
 * faulted, the monitor fails over, the old primary is rejoined as a standby. Times are from
 * the fault to: an honest observer's first failed probe (detect), a quorum of signed
 * "down" verdicts (quorum), the decision after hysteresis and the RPO gate (decide), and
 * traffic switched to the promoted standby (switch). Write RTO: the last write acknowledged
 * before the fault to the first acknowledged after it, through the router, under a steady
 * write load. RPO: acknowledged writes missing on the final primary, and the standby's lag
 * when the primary failed. Verification: Ed25519 cost of the verdicts each decision rests on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WriteLoad, missingAcknowledged, startFailoverEnvironment } from '../src/failover';
import { failoverTrial, rejoinAsStandby, type TrialResult } from '../src/quorum/trial';
import { machine } from './machine';
import { benchArgs, withPatroni } from './patroni/hook';
import { percentile } from './stats';
import { failoverPorts } from '../activities/failover';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<unknown> {
  const trials = benchArgs(process.argv.slice(2)).trials ?? Number(process.env.GENIE_BENCH_FAILOVER_TRIALS ?? 20);
  const env = await startFailoverEnvironment({ regions: 3, synchronous: true, upstreamTimeout: '1s' });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-bench-failover-'));
  const load = new WriteLoad({ url: env.routerUrl, intervalMs: 5, timeoutMs: 3_000 }).start();
  const results: TrialResult[] = [];
  let primary = 'r1';
  let epoch = 0;
  let report: Awaited<ReturnType<WriteLoad['stop']>>;
  let lost: (number | string)[];
  try {
    for (const fault of ['kill', 'hang'] as const) {
      for (let i = 0; i < trials; i++) {
        const t = await failoverTrial(env, { primary, fault, load, portsFor: failoverPorts, stateDir, key: `${fault}-${i}`, epoch });
        results.push(t);
        log(
          `${fault} ${i + 1}/${trials}: ${t.outcome} ${t.from}→${t.to ?? '-'} detect ${t.detectMs} quorum ${t.quorumMs} decide ${t.decideMs} switch ${t.switchMs} ms, write RTO ${t.writeRtoMs} ms`,
        );
        if (t.outcome !== 'failed-over') throw new Error(`trial ${fault} ${i}: ${t.outcome}: ${t.reason}`);
        await rejoinAsStandby(env, t.from, t.to!);
        primary = t.to!;
        epoch = t.result.epoch;
      }
    }
  } finally {
    report = await load.stop();
    lost = await missingAcknowledged(env.region(primary).spec, report.acks).catch((e) => [`could not check: ${(e as Error).message}`]);
    await env.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  const stat = (xs: (number | undefined | null)[]) => {
    const v = xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
    const r = (x: number) => Math.round(x * 10) / 10;
    return v.length
      ? { n: v.length, p50: r(percentile(v, 0.5)), p95: r(percentile(v, 0.95)), p99: r(percentile(v, 0.99)), max: r(v[v.length - 1]!), min: r(v[0]!) }
      : null;
  };
  const per = (fault: 'kill' | 'hang') => {
    const rs = results.filter((r) => r.fault === fault);
    return {
      trials: rs.length,
      detectMs: stat(rs.map((r) => r.detectMs)),
      quorumMs: stat(rs.map((r) => r.quorumMs)),
      decideMs: stat(rs.map((r) => r.decideMs)),
      switchMs: stat(rs.map((r) => r.switchMs)),
      detectionToSwitchedMs: stat(rs.map((r) => (r.switchMs !== undefined && r.detectMs !== undefined ? r.switchMs - r.detectMs : undefined))),
      promoteMs: stat(rs.map((r) => r.promoteMs)),
      writeRtoMs: stat(rs.map((r) => r.writeRtoMs)),
      lagBytesAtFailure: stat(rs.map((r) => r.lagBytesAtFailure)),
      lagMsAtFailure: stat(rs.map((r) => r.lagMsAtFailure)),
      verification: {
        decisionSignatures: stat(rs.map((r) => r.verification?.decisionSignatures)),
        decisionMicros: stat(rs.map((r) => r.verification?.decisionMicros)),
        meanMicrosPerSignature: stat(rs.map((r) => r.verification?.meanMicros)),
        verdictsVerifiedPerTrial: stat(rs.map((r) => r.verification?.verdictsVerified)),
      },
    };
  };
  return {
    benchmark: 'failover',
    setup: {
      regions: 3,
      replication: 'synchronous (ANY 1)',
      observers: 4,
      f: 1,
      upstreamTimeout: '1s',
      writeIntervalMs: 5,
      hysteresis: 'defaults (confirmDown 200ms)',
      probeTimeoutMs: 200,
    },
    kill: per('kill'),
    hang: per('hang'),
    rpo: { acknowledgedWrites: report.acknowledged, acknowledgedLost: lost.length, lost: lost.slice(0, 20), failedWrites: report.failed },
    machine: machine(),
  };
}

withPatroni(main, process.argv.slice(2), log).then(
  (result) => {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    // Zero acknowledged writes lost is the synchronous-mode promise: a lost write (or a check that could not run) fails the bench.
    const { acknowledgedLost } = (result as { rpo: { acknowledgedLost: number } }).rpo;
    if (acknowledgedLost > 0) {
      process.stderr.write(`bench:failover failed: ${acknowledgedLost} acknowledged writes lost (see rpo.lost)\n`);
      process.exitCode = 1;
    }
  },
  (err) => {
    process.stderr.write(`bench:failover failed: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
