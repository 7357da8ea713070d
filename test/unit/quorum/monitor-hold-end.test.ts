/**
 * The hold ends on time (issue 13 §4): a quorum "down" is confirmed when confirmDown has
 * elapsed, not at the next delivery of a verdict about the primary, which with slow probes
 * can be most of a probe period later. Observers here probe once a second, so without the
 * hold-end timer the confirmation would wait for a delivery (almost never within 30 ms of the
 * hold's end). Stand-in regions and ports as in monitor-hung-primary.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_HYSTERESIS, IntentStore, MONITOR_DEFAULTS, runMonitor, type MonitorConfig } from '../../../src/quorum';
import { StandInRegion, standInPorts } from '../../helpers/monitor-stand-ins';

describe('monitor: the hold ends on time', function () {
  this.timeout(30_000);
  let regions: Record<string, StandInRegion>;
  let dir: string;
  beforeEach(async () => {
    regions = { r1: await new StandInRegion().start(), r2: await new StandInRegion().start() };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-monitor-hold-'));
  });
  afterEach(() => {
    for (const r of Object.values(regions)) r.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('confirms a killed primary confirmDown after the quorum, with probes a second apart', async () => {
    const config: MonitorConfig = {
      ...MONITOR_DEFAULTS,
      rpoBudgetBytes: null,
      hysteresis: { ...DEFAULT_HYSTERESIS },
      adversaries: {},
      observerUrls: {},
      regions: Object.fromEntries(Object.entries(regions).map(([name, r]) => [name, { health: r.url }])),
      primary: 'r1',
      epoch: 0,
      minPeriodMs: 1_000,
      maxPeriodMs: 1_000,
      freshnessMs: 2_500,
      windowMs: 10_000,
    };
    const { ports } = standInPorts('r1', Object.keys(regions), () => []);
    const monitor = runMonitor(config, { ports, store: IntentStore.forKey(dir, 'hold'), key: 'hold' });
    await new Promise((r) => setTimeout(r, 2_500)); // two probe rounds: r2 becomes a target
    regions.r1.stop(); // killed: connections refused
    const result = await monitor;
    assert.equal(result.outcome, 'failed-over', result.reason);
    const held = result.timings.decidedAt - result.timings.quorumAt;
    assert.ok(held >= DEFAULT_HYSTERESIS.confirmDownMs, `confirmed after ${held} ms: the hold was cut short`);
    assert.ok(held < DEFAULT_HYSTERESIS.confirmDownMs + 30, `confirmed ${held} ms after the quorum: waited for a delivery`);
  });
});
