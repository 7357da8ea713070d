/**
 * Byzantine tolerance at the level that decides (issue 13 §2): the whole failover monitor
 * (observers, signed verdicts, quorum, hysteresis, RPO gate, fence/promote/switch) with one
 * lying observer of the four (f = 1). Against a healthy primary, 200 consecutive watch windows
 * must end quiet with nothing promoted; against a killed primary it must still fail over.
 * Regions and the replication/router ports are stand-ins (test/helpers/monitor-stand-ins.ts):
 * what is under test is the decision, which they cannot influence beyond health answers.
 * The liars are set here, in the harness: a production runbook cannot turn them on
 * (test/security/failover-test-hooks.test.ts).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_HYSTERESIS, IntentStore, MONITOR_DEFAULTS, runMonitor, type AdversaryKind, type MonitorConfig } from '../../src/quorum';
import { StandInRegion, standInPorts } from '../helpers/monitor-stand-ins';

const WINDOWS = 200;
const WINDOW_MS = 400;

for (const liar of ['always-down', 'equivocating'] as AdversaryKind[]) {
  describe(`failover monitor with one ${liar} observer of four`, function () {
    this.timeout(WINDOWS * WINDOW_MS * 3 + 60_000);
    let regions: Record<string, StandInRegion>;
    let dir: string;
    beforeEach(async () => {
      regions = { r1: await new StandInRegion().start(), r2: await new StandInRegion().start(), r3: await new StandInRegion().start() };
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-monitor-byz-'));
    });
    afterEach(() => {
      for (const r of Object.values(regions)) r.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const config = (windowMs: number): MonitorConfig => ({
      ...MONITOR_DEFAULTS,
      rpoBudgetBytes: null,
      hysteresis: { ...DEFAULT_HYSTERESIS },
      adversaries: { o2: liar },
      observerUrls: {},
      regions: Object.fromEntries(Object.entries(regions).map(([name, r]) => [name, { health: r.url }])),
      primary: 'r1',
      epoch: 0,
      windowMs,
    });
    const down = new Set<string>();

    it(`${WINDOWS} windows against a healthy primary: every one quiet, nothing fenced or promoted`, async () => {
      const { ports, calls } = standInPorts('r1', Object.keys(regions), () => [...down]);
      const outcomes: Record<string, number> = {};
      for (let w = 0; w < WINDOWS; w++) {
        const result = await runMonitor(config(WINDOW_MS), { ports, store: IntentStore.forKey(dir, `healthy-${w}`), key: `healthy-${w}` });
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        assert.equal(result.outcome, 'quiet', `window ${w + 1}: ${result.outcome}: ${result.reason}`);
      }
      assert.deepEqual(outcomes, { quiet: WINDOWS });
      assert.deepEqual(calls, [], 'the monitor acted on a healthy primary');
    });

    it('a killed primary is still failed over', async () => {
      const { ports, calls } = standInPorts('r1', Object.keys(regions), () => [...down]);
      const monitor = runMonitor(config(6_000), { ports, store: IntentStore.forKey(dir, 'kill'), key: 'kill' });
      await new Promise((r) => setTimeout(r, 1_000)); // standbys become targets
      down.add('r1');
      regions.r1.stop();
      const result = await monitor;
      down.clear();
      assert.equal(result.outcome, 'failed-over', `${result.outcome}: ${result.reason}`);
      assert.ok(['r2', 'r3'].includes(result.primary), result.primary);
      assert.ok(calls.includes(`promote ${result.primary}`), calls.join(', '));
    });
  });
}
