/**
 * Regression for issue 13 §1 at the monitor level: the exact shape of `hang 2/20` — a primary
 * that was itself just promoted (epoch > 0) hangs, garbage collections run while the
 * observers' probes wait on it, and the monitor must fail it over (it returned `quiet` after a
 * down quorum at 214 ms). Regions are stood in for by local HTTP servers (a hung one accepts
 * and never answers, as a SIGSTOPped app does); the replication/router ports are an in-memory
 * stand-in that records what the monitor asked for. The real PostgreSQL sequence is
 * test/soak/failover-sequence.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_HYSTERESIS, IntentStore, MONITOR_DEFAULTS, runMonitor, type MonitorConfig } from '../../../src/quorum';
import { StandInRegion, standInPorts } from '../../helpers/monitor-stand-ins';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('monitor: a just-promoted primary that hangs (issue 13 §1)', function () {
  this.timeout(30_000);
  let regions: Record<string, StandInRegion>;
  let dir: string;
  beforeEach(async () => {
    regions = { r1: await new StandInRegion().start(), r2: await new StandInRegion().start(), r3: await new StandInRegion().start() };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-monitor-hung-'));
  });
  afterEach(() => {
    for (const r of Object.values(regions)) r.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = (primary: string, epoch: number): MonitorConfig => ({
    ...MONITOR_DEFAULTS,
    rpoBudgetBytes: null,
    hysteresis: { ...DEFAULT_HYSTERESIS },
    adversaries: {},
    observerUrls: {},
    regions: Object.fromEntries(Object.entries(regions).map(([name, r]) => [name, { health: r.url }])),
    primary,
    epoch,
    windowMs: 6_000,
  });

  it('fails over a hung r1 at epoch 21 even when GCs run during the probes, and never ends quiet', async () => {
    const { ports, calls } = standInPorts('r1', Object.keys(regions), () => Object.keys(regions).filter((r) => regions[r].hung));
    const monitor = runMonitor(config('r1', 21), { ports, store: IntentStore.forKey(dir, 'hang-1'), key: 'hang-1' });
    await new Promise((r) => setTimeout(r, 1_000)); // the settle the bench gives (standbys become targets)
    const faultAt = Date.now();
    regions.r1.hung = true;
    // A few collections while the observers' probes of r1 are in flight, as the bench's load made.
    const gcs = [50, 120, 250, 400].map((ms) => setTimeout(gc, ms));
    const result = await monitor.finally(() => gcs.forEach(clearTimeout));
    assert.equal(
      result.outcome,
      'failed-over',
      `${result.outcome}: ${result.reason} ${JSON.stringify({ timings: result.timings, hysteresis: result.hysteresis })}`,
    );
    assert.equal(result.previousPrimary, 'r1');
    assert.ok(['r2', 'r3'].includes(result.primary), result.primary);
    assert.equal(result.epoch, 22);
    assert.ok(calls.includes(`promote ${result.primary}`) && calls.includes(`switchRouter ${result.primary}`), calls.join(', '));
    const switched = result.timings.switchedAt - faultAt;
    assert.ok(switched < 2_000, `switched ${switched} ms after the hang (loose bound: a shared machine)`);
  });
});
