/**
 * The watch's decisions as a state machine (primary-watch.ts), driven event by event with a
 * fake clock: signed verdicts from four observer keys go through a real QuorumTracker, the
 * replication/router ports are in memory and record what the watch asked for, and no timer
 * or probe runs on its own. monitor-hung-primary and monitor-hold-end cover the same
 * machine inside the real loops and observers.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_HYSTERESIS,
  FailoverStepError,
  IntentStore,
  KeyRing,
  MONITOR_DEFAULTS,
  observerKey,
  QuorumTracker,
  type FailoverPorts,
  type MonitorConfig,
  type OverrideView,
  type RegionRole,
} from '../../../src/quorum';
import { PrimaryWatch, type WatchPhase } from '../../../src/quorum/primary-watch';
import { FakeWatchClock } from '../../helpers/fake-watch-clock';

const KEYS = ['o1', 'o2', 'o3', 'o4'].map((id) => observerKey(id));
const CONFIRM = DEFAULT_HYSTERESIS.confirmDownMs;

/** Lets the watch's pending continuations run (its reads of the overrides, the failover's in-memory steps) until `done`. */
const settle = async (done: () => boolean) => {
  const giveUpAt = Date.now() + 2_000;
  while (!done() && Date.now() < giveUpAt) await new Promise((r) => setImmediate(r));
};

/** How far into the log each standby says it is when asked (the regions besides r1 are these; default r2 alone, never asked). */
type Standbys = Record<string, number | null>;

function setUp(dir: string, overrides?: () => Promise<OverrideView | undefined>, promoteFails = false, standbys: Standbys = { r2: null }) {
  const clock = new FakeWatchClock();
  const tracker = new QuorumTracker(KeyRing.of(KEYS), { freshnessMs: MONITOR_DEFAULTS.freshnessMs });
  const calls: string[] = [];
  const ports: FailoverPorts = {
    status: async (region): Promise<RegionRole> => {
      calls.push(`status ${region}`);
      const position = standbys[region];
      if (typeof position === 'number') return { region, reachable: true, role: 'standby', writable: false, receivedWalBytes: position };
      return { region, reachable: false, role: 'unknown', writable: false, error: 'refused' };
    },
    fenceRouter: async (from, to) => calls.push(`fenceRouter ${from}→${to}`),
    fenceNode: async (from) => calls.push(`fenceNode ${from}`),
    promote: async (to) => {
      calls.push(`promote ${to}`);
      if (promoteFails) throw new Error('pg_promote timed out');
      return {};
    },
    switchRouter: async (to) => calls.push(`switchRouter ${to}`),
  };
  const config: MonitorConfig = {
    ...MONITOR_DEFAULTS,
    rpoBudgetBytes: null,
    hysteresis: { ...DEFAULT_HYSTERESIS },
    adversaries: {},
    observerUrls: {},
    regions: Object.fromEntries(['r1', ...Object.keys(standbys)].map((r) => [r, { health: `http://${r}.invalid/health` }])),
    primary: 'r1',
    epoch: 0,
  };
  const watch = new PrimaryWatch(config, {
    ports,
    store: IntentStore.forKey(dir, 'watch'),
    key: 'watch',
    tracker,
    observerIds: KEYS.map((k) => k.observerId),
    clock,
    ...(overrides ? { overrides } : {}),
  }).start();
  const seqs = new Map<string, number>();
  /** One probe round about `region`: each observer signs what it saw (true: up) and the wire delivers it. */
  const round = (region: string, healthy: boolean[]) => {
    KEYS.forEach((k, i) => {
      const slot = `${k.observerId}/${region}`;
      const seq = (seqs.get(slot) ?? -1) + 1;
      seqs.set(slot, seq);
      const verdict = k.sign({ observerId: k.observerId, region, epoch: 0, seq, healthy: healthy[i], lagBytes: 0, observedAt: clock.now() });
      watch.delivered(region, [tracker.ingest(verdict, clock.now())], [verdict]);
    });
  };
  const all = (up: boolean) => [up, up, up, up];
  /**
   * The standbys up by quorum long enough to be targets, and the primary's last word on their
   * replication (default: r2 alone, in sync).
   */
  const healthyStandby = (replicas: { name: string; lagBytes: number; syncState: string }[] = [{ name: 'r2', lagBytes: 0, syncState: 'sync' }]) => {
    for (let i = 0; i < 2; i++) {
      if (i) clock.advance(300);
      for (const r of Object.keys(standbys)) round(r, all(true));
      round('r1', all(true));
    }
    watch.statusSeen([{ region: 'r1', reachable: true, role: 'primary', writable: true, replicas: replicas.map((r) => ({ ...r, lagSeconds: 0 })) }]);
  };
  return { clock, watch, calls, round, all, healthyStandby };
}

describe('PrimaryWatch: the monitor’s decisions, event by event', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-primary-watch-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('watching → suspected → acting → failed-over, confirmed exactly when the hold ends', async () => {
    const { clock, watch, calls, round, all, healthyStandby } = setUp(dir);
    const phases: WatchPhase[] = [watch.phase];
    healthyStandby();
    round('r1', all(false));
    phases.push(watch.phase);
    assert.ok(calls.includes('status r1'), 'the suspect primary is probed once at the suspicion');
    clock.advance(CONFIRM + 1); // the hold-end timer, with no delivery in between
    phases.push(watch.phase);
    await settle(() => watch.finished);
    phases.push(watch.phase);
    assert.deepEqual(phases, ['watching', 'suspected', 'acting', 'finished']);
    assert.ok(watch.signal.aborted, 'the observers were told to stop');
    const result = watch.answer();
    assert.equal(result.outcome, 'failed-over', result.reason);
    assert.equal(result.primary, 'r2');
    assert.equal(result.previousPrimary, 'r1');
    assert.equal(result.epoch, 1);
    assert.equal(result.timings.decidedAt - result.timings.quorumAt, CONFIRM + 1);
    assert.ok(calls.indexOf('promote r2') < calls.indexOf('switchRouter r2') && calls.includes('fenceRouter r1→r2'), calls.join(', '));
    assert.equal(result.rpo?.allowed, true);
    assert.equal(result.replication?.primary, 'r1');
  });

  it('a flap ends the suspicion and its hold; a window that saw nothing else ends quiet', async () => {
    const { clock, watch, round, all, healthyStandby } = setUp(dir);
    healthyStandby();
    round('r1', all(false));
    assert.equal(watch.phase, 'suspected');
    clock.advance(100);
    round('r1', all(true));
    assert.equal(watch.phase, 'watching');
    clock.advance(CONFIRM);
    assert.equal(watch.phase, 'watching', 'the cancelled hold end confirmed nothing');
    assert.equal(clock.pendingTimers, 1, 'only the window is left');
    clock.advance(MONITOR_DEFAULTS.windowMs);
    const result = watch.answer();
    assert.equal(result.outcome, 'quiet', result.reason);
    assert.equal(result.hysteresis?.flaps, 1);
    assert.equal(result.timings.quorumAt, undefined, 'the flapped suspicion left no quorum time');
  });

  it('a confirmed failure with no healthy standby goes back to deciding, and the window end escalates it', async () => {
    const { clock, watch, calls, round, all } = setUp(dir);
    round('r1', all(true));
    round('r1', all(false));
    clock.advance(CONFIRM + 1);
    assert.equal(watch.phase, 'acting');
    await settle(() => !watch.acting);
    assert.equal(watch.phase, 'suspected', 'nothing to promote: still deciding');
    assert.ok(!calls.some((c) => c.startsWith('promote')), calls.join(', '));
    clock.advance(MONITOR_DEFAULTS.windowMs);
    const result = watch.answer();
    assert.equal(result.outcome, 'escalated');
    assert.match(result.reason, /no standby was a healthy target/);
  });

  it('holdFailover read at the suspicion holds the confirmed failure', async () => {
    let reads = 0;
    const { clock, watch, calls, round, all, healthyStandby } = setUp(dir, async () => {
      reads++;
      return { hold: { by: 'bob', reason: 'drill' }, forces: [] };
    });
    healthyStandby();
    round('r1', all(false));
    await new Promise((r) => setImmediate(r)); // the read's answer lands
    assert.equal(reads, 1, 'the overrides are read when the quorum first suspects the primary');
    clock.advance(CONFIRM + 1);
    await settle(() => watch.finished);
    assert.equal(reads, 1, 'a read younger than a second is not repeated at the decision');
    const result = watch.answer();
    assert.equal(result.outcome, 'held');
    assert.match(result.reason, /holdFailover by bob: drill/);
    assert.ok(!calls.some((c) => c.startsWith('promote')), calls.join(', '));
  });

  it('a forceFailover that arrives during the window finishes it as force-requested; one already there does not', async () => {
    const forces: OverrideView['forces'] = [{ by: 'carol', target: 'r2', at: '2026-12-01T00:00:00.000Z' }];
    const { watch } = setUp(dir, async () => ({ hold: null, forces: [...forces] }));
    await watch.refreshOverrides();
    assert.equal(watch.phase, 'watching');
    forces.push({ by: 'alice', reason: 'planned move', target: 'r2', at: '2026-12-01T00:01:00.000Z' });
    await watch.refreshOverrides();
    assert.equal(watch.phase, 'finished');
    const result = watch.answer();
    assert.equal(result.outcome, 'force-requested');
    assert.equal(result.target, 'r2');
    assert.match(result.reason, /requested by alice: planned move/);
  });

  it('a failover whose promotion fails ends the watch failed, and its answer is the step error', async () => {
    const { clock, watch, round, all, healthyStandby } = setUp(dir, undefined, true);
    healthyStandby();
    round('r1', all(false));
    clock.advance(CONFIRM + 1);
    await settle(() => watch.finished);
    assert.equal(watch.phase, 'failed');
    assert.throws(
      () => watch.answer(),
      (e: unknown) => e instanceof FailoverStepError && e.code === 'PROMOTE_FAILED',
    );
  });

  it('silence about the primary reaches the detector on a tick and escalates as disagreement', () => {
    const { clock, watch, round, all } = setUp(dir);
    round('r1', all(true));
    clock.advance(MONITOR_DEFAULTS.freshnessMs + 1);
    watch.tick();
    assert.equal(watch.phase, 'watching', 'undecided, not yet for escalateAfter');
    clock.advance(DEFAULT_HYSTERESIS.escalateAfterMs);
    watch.tick();
    const result = watch.answer();
    assert.equal(result.outcome, 'escalated');
    assert.match(result.reason, /observers disagree about r1/);
  });
});

describe('PrimaryWatch: which standby it promotes (target-choice.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-target-choice-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const failOver = async (standbys: Standbys, replicas: { name: string; lagBytes: number; syncState: string }[]) => {
    const { clock, watch, calls, round, all, healthyStandby } = setUp(dir, undefined, false, standbys);
    healthyStandby(replicas);
    round('r1', all(false));
    clock.advance(CONFIRM + 1);
    await settle(() => watch.finished);
    const result = watch.answer();
    assert.equal(result.outcome, 'failed-over', result.reason);
    return { result, calls };
  };

  it('quorum commit (ANY 1): promotes the standby furthest into the log, not the one the primary last saw least behind', async () => {
    // The primary's sample (up to a status interval old) has r2 caught up and r3 behind; since then r3
    // took the newest commits, which ANY 1 acknowledged on r3 alone.
    const { result, calls } = await failOver({ r2: 5_000, r3: 9_000 }, [
      { name: 'r2', lagBytes: 0, syncState: 'quorum' },
      { name: 'r3', lagBytes: 800, syncState: 'quorum' },
    ]);
    assert.equal(result.primary, 'r3');
    assert.deepEqual(result.targetChoice, { target: 'r3', ranked: ['r2', 'r3'], asked: true, receivedWalBytes: { r2: 5_000, r3: 9_000 } });
    assert.ok(calls.includes('promote r3') && !calls.includes('promote r2'), calls.join(', '));
  });

  it('a candidate that does not answer keeps its rank after those that did', async () => {
    const { result } = await failOver({ r2: null, r3: 4_000 }, [
      { name: 'r2', lagBytes: 0, syncState: 'async' },
      { name: 'r3', lagBytes: 50, syncState: 'async' },
    ]);
    assert.equal(result.primary, 'r3');
    assert.deepEqual(result.targetChoice?.receivedWalBytes, { r2: null, r3: 4_000 });
  });

  it('a synchronous standby is promoted without asking: it had every acknowledged commit', async () => {
    const { result, calls } = await failOver({ r2: 1_000, r3: 9_000 }, [
      { name: 'r2', lagBytes: 0, syncState: 'sync' },
      { name: 'r3', lagBytes: 0, syncState: 'async' },
    ]);
    assert.equal(result.primary, 'r2');
    assert.deepEqual(result.targetChoice, { target: 'r2', ranked: ['r2', 'r3'], asked: false });
    assert.ok(!calls.includes('status r2') && !calls.includes('status r3'), calls.join(', '));
  });
});
