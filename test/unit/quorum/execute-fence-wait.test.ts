/**
 * The fence wait before promotion (issue 13 §4): a hung old primary is waited for up to 150 ms
 * to learn it is silent, unless the monitor's probe, sent when the quorum first suspected it,
 * has already been unanswered that long: the same evidence, gathered during the hold.
 * A reachable, writable old primary is always fenced before anything is promoted.
 * Ports are an in-memory stand-in (what is under test is the order and timing of the steps).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeFailover, IntentStore, type FailoverPorts } from '../../../src/quorum';

function ports(old: 'hung' | 'writable'): { ports: FailoverPorts; promotedAfterMs: () => number; fenced: () => boolean } {
  const started = Date.now();
  let promotedAt = 0;
  let fenced = false;
  return {
    ports: {
      status: (region, timeoutMs) =>
        region === 'r1' && old === 'hung'
          ? new Promise((resolve) => setTimeout(() => resolve({ region, reachable: false, role: 'unknown', writable: false, error: 'timeout' }), timeoutMs))
          : Promise.resolve({ region, reachable: true, role: region === 'r1' ? 'primary' : 'standby', writable: region === 'r1' && !fenced }),
      fenceRouter: async () => undefined,
      fenceNode: (_from, timeoutMs) =>
        old === 'hung'
          ? new Promise((_r, reject) => setTimeout(() => reject(new Error('fence timed out')), timeoutMs))
          : new Promise((r) =>
              setTimeout(
                () => {
                  fenced = true;
                  r({ fenced: true });
                },
                Math.min(timeoutMs, 400),
              ),
            ),
      promote: async () => {
        promotedAt = Date.now();
        return {};
      },
      switchRouter: async () => undefined,
    },
    promotedAfterMs: () => promotedAt - started,
    fenced: () => fenced,
  };
}

describe('executeFailover: the fence wait before promotion', () => {
  let dir: string;
  let n = 0;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-fence-wait-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (p: FailoverPorts, silentSince?: number) =>
    executeFailover(p, IntentStore.forKey(dir, `k${++n}`), {
      key: `k${n}`,
      from: 'r1',
      to: 'r2',
      epoch: 1,
      forced: false,
      timings: {},
      fenceTimeoutMs: 600,
      ...(silentSince !== undefined ? { silentSince } : {}),
    });

  it('waits 150 ms for a hung old primary that nobody has probed yet', async () => {
    const s = ports('hung');
    const result = await run(s.ports);
    assert.ok(s.promotedAfterMs() >= 145, `promoted after ${s.promotedAfterMs()} ms`);
    assert.equal(result.intent.timings.fenceWaitMs, 150);
  });

  it('does not wait again when the probe sent at suspicion is already 200 ms unanswered', async () => {
    const s = ports('hung');
    const result = await run(s.ports, Date.now() - 200);
    assert.ok(s.promotedAfterMs() < 60, `promoted after ${s.promotedAfterMs()} ms`);
    assert.equal(result.intent.timings.fenceWaitMs, 0);
  });

  it('waits only the rest when the probe has been unanswered for part of the wait', async () => {
    const s = ports('hung');
    const result = await run(s.ports, Date.now() - 100);
    assert.ok(result.intent.timings.fenceWaitMs! <= 50 && result.intent.timings.fenceWaitMs! >= 40, String(result.intent.timings.fenceWaitMs));
    assert.ok(s.promotedAfterMs() >= 40, `promoted after ${s.promotedAfterMs()} ms`);
  });

  it('fences a reachable, writable old primary before promoting (the monitor passes silentSince only for an unanswered probe)', async () => {
    const s = ports('writable');
    await run(s.ports);
    assert.equal(s.fenced(), true);
    assert.ok(s.promotedAfterMs() >= 390, `promoted after ${s.promotedAfterMs()} ms, before the fence finished`);
  });
});
