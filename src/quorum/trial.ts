/**
 * One measured failover on the demo environment (src/failover): the monitor watches the
 * primary, the primary region is killed (SIGKILL) or hung (SIGSTOP), the monitor fails it
 * over, and the old primary is rejoined as a standby of the new one. Used by the failover
 * tests and `npm run bench:failover`; the caller runs the write load across trials, and
 * passes the ports (the failover activity's, activities/failover.ts: src/ does not import them).
 */

/** Builds the ports onto the regions' databases and the router, as the failover activity does. */
export type PortsFor = (file: RegionsFile, routerAdminUrl?: string) => FailoverPorts;
import { PostgresAdapter, loadRegions, type FailoverEnvironment, type RegionsFile, type WriteLoad } from '../failover';
import type { FailoverPorts } from './ports';
import { IntentStore } from './intent';
import { DEFAULT_HYSTERESIS } from './hysteresis';
import { MONITOR_DEFAULTS, runMonitor, type MonitorConfig, type MonitorResult } from './monitor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const adapter = new PostgresAdapter();

export function monitorConfigFor(env: FailoverEnvironment, primary: string, extra: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    ...MONITOR_DEFAULTS,
    rpoBudgetBytes: null,
    hysteresis: { ...DEFAULT_HYSTERESIS },
    adversaries: {},
    observerUrls: {},
    regions: Object.fromEntries(env.regions.map((r) => [r.name, { health: `${r.appUrl}/health` }])),
    primary,
    epoch: 0,
    ...extra,
  };
}

export interface TrialResult {
  fault: 'kill' | 'hang';
  from: string;
  to?: string;
  outcome: MonitorResult['outcome'];
  reason: string;
  /** From the fault to: an honest observer's first failed probe, the quorum, the decision, traffic switched. */
  detectMs?: number;
  quorumMs?: number;
  decideMs?: number;
  switchMs?: number;
  promoteMs?: number;
  /** Last acknowledged write before the fault → first acknowledged write after it. */
  writeRtoMs?: number;
  /** The standby's last known lag when the primary failed. */
  lagBytesAtFailure?: number | null;
  lagMsAtFailure?: number | null;
  verification?: MonitorResult['verification'];
  result: MonitorResult;
}

export async function failoverTrial(
  env: FailoverEnvironment,
  options: {
    primary: string;
    fault: 'kill' | 'hang';
    load: WriteLoad;
    portsFor: PortsFor;
    stateDir: string;
    key: string;
    epoch: number;
    config?: Partial<MonitorConfig>;
    settleMs?: number;
  },
): Promise<TrialResult> {
  process.env.GENIE_ROUTER_TOKEN = env.token;
  const ports = options.portsFor(loadRegions(env.regionsFile), env.adminUrl);
  const monitor = runMonitor(monitorConfigFor(env, options.primary, { epoch: options.epoch, windowMs: 30_000, ...options.config }), {
    ports,
    store: IntentStore.forKey(options.stateDir, options.key),
    key: options.key,
  });
  await sleep(options.settleMs ?? 1_000);
  const faultAt = Date.now();
  await env.kill(options.primary, options.fault === 'kill' ? 'SIGKILL' : 'SIGSTOP');
  const result = await monitor;
  const t = result.timings;
  const since = (x: number | undefined) => (x === undefined ? undefined : x - faultAt);
  const trial: TrialResult = {
    fault: options.fault,
    from: options.primary,
    ...(result.outcome === 'failed-over' ? { to: result.primary } : {}),
    outcome: result.outcome,
    reason: result.reason,
    detectMs: since(t.failureSeenAt),
    quorumMs: since(t.quorumAt),
    decideMs: since(t.decidedAt),
    switchMs: since(t.switchedAt),
    ...(t.promotedAt && t.promoteStartedAt ? { promoteMs: t.promotedAt - t.promoteStartedAt } : {}),
    lagBytesAtFailure: result.rpo?.lagBytes ?? null,
    lagMsAtFailure: result.rpo?.lagMs ?? null,
    ...(result.verification ? { verification: result.verification } : {}),
    result,
  };
  if (result.outcome === 'failed-over') {
    // The last write the old primary acknowledged, to the first the new one acknowledged (within 10 s).
    // (Not simply around the fault time: a write in flight at the kill may be acknowledged just after it.)
    const deadline = Date.now() + 10_000;
    const firstNew = () => options.load.acks.find((a) => a.at > faultAt && a.region === result.primary);
    while (!firstNew() && Date.now() < deadline) await sleep(10);
    const lastOld = [...options.load.acks].reverse().find((a) => a.region === options.primary && a.at <= (firstNew()?.at ?? Infinity));
    const first = firstNew();
    if (first && lastOld) trial.writeRtoMs = first.at - lastOld.at;
  }
  return trial;
}

/** The failed region back as a standby of the new primary (and its app running again). */
export async function rejoinAsStandby(env: FailoverEnvironment, region: string, primary: string): Promise<void> {
  await adapter.rejoin(env.region(region).spec, env.region(primary).spec, { timeoutMs: 60_000 });
  await env.resume(region);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`${env.region(region).appUrl}/health`, { signal: AbortSignal.timeout(1_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`region ${region}'s app is not healthy 20 s after rejoining`);
    await sleep(50);
  }
}
