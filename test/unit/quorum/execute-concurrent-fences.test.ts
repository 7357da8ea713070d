/**
 * The two fences run at once (issue 13 §4): the promotion waits for the database fence only
 * (what keeps two nodes from taking writes), the switch for the router fence as well, so a
 * slow router round trip is not added to the promotion. In-memory ports; what is under test
 * is the order of the steps.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeFailover, FailoverStepError, IntentStore, type FailoverPorts } from '../../../src/quorum';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ports(o: { routerMs: number; nodeFenceMs: number; writable: boolean; promoteFails?: boolean }) {
  const log: string[] = [];
  let fenced = false;
  const p: FailoverPorts = {
    status: async (region) => ({
      region,
      reachable: region !== 'r1' || o.writable,
      role: region === 'r1' ? 'primary' : 'standby',
      writable: region === 'r1' && o.writable && !fenced,
    }),
    fenceRouter: async () => {
      log.push('fenceRouter:start');
      await sleep(o.routerMs);
      log.push('fenceRouter:end');
    },
    fenceNode: async () => {
      log.push('fenceNode:start');
      await sleep(o.nodeFenceMs);
      fenced = true;
      log.push('fenceNode:end');
      return { fenced: true };
    },
    promote: async () => {
      log.push('promote');
      if (o.promoteFails) throw new Error('no');
      return {};
    },
    switchRouter: async () => {
      log.push('switchRouter');
    },
  };
  return { p, log };
}

describe('executeFailover: router and database fenced at once', () => {
  let dir: string;
  let n = 0;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-fences-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (p: FailoverPorts) =>
    executeFailover(p, IntentStore.forKey(dir, `k${++n}`), { key: `k${n}`, from: 'r1', to: 'r2', epoch: 1, forced: false, timings: {} });

  it('promotes before a slow router fence ends, and switches only after it', async () => {
    const { p, log } = ports({ routerMs: 150, nodeFenceMs: 5, writable: true });
    const r = await run(p);
    assert.deepEqual(log.slice(0, 2).sort(), ['fenceNode:start', 'fenceRouter:start']);
    assert.ok(log.indexOf('fenceNode:end') < log.indexOf('promote'), log.join(', '));
    assert.ok(log.indexOf('promote') < log.indexOf('fenceRouter:end'), log.join(', '));
    assert.ok(log.indexOf('fenceRouter:end') < log.indexOf('switchRouter'), log.join(', '));
    assert.ok(r.intent.timings.promotedAt! <= r.intent.timings.routerFencedAt!, JSON.stringify(r.intent.timings));
    assert.equal(r.steps.fenceRouter?.ok, true);
  });

  it('still fences a writable old primary before promoting, however fast the router is', async () => {
    const { p, log } = ports({ routerMs: 1, nodeFenceMs: 120, writable: true });
    await run(p);
    assert.ok(log.indexOf('fenceNode:end') < log.indexOf('promote'), log.join(', '));
  });

  it('a failed promotion reports the router fence too (the partial result is complete)', async () => {
    const { p } = ports({ routerMs: 80, nodeFenceMs: 1, writable: false, promoteFails: true });
    await assert.rejects(run(p), (e: unknown) => e instanceof FailoverStepError && e.code === 'PROMOTE_FAILED' && e.partial.steps.fenceRouter?.ok === true);
  });
});
