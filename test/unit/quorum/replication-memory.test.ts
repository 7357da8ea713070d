import * as assert from 'node:assert/strict';
import { rememberSamples, rpoGate, seedSamples, type LagSample, type ReplicationMemory } from '../../../src/quorum';

describe('replication memory across watch windows', () => {
  const regions = ['r1', 'r2', 'r3'];
  const now = 1_000_000;
  const sample: LagSample = { at: now - 300, lagBytes: 0, lagSeconds: 0, syncState: 'async' };
  const memory = { primary: 'r1', epoch: 2, samples: { r2: sample } };

  it("a window of the same primary and epoch starts with the previous window's samples, so the gate can judge a dead primary's standby", () => {
    const samples = new Map<string, LagSample>();
    seedSamples(samples, memory, 'r1', 2, regions, now);
    assert.deepEqual(samples.get('r2'), sample);
    const gate = rpoGate({ target: 'r2', budgetMs: 1_000, budgetBytes: null, sample: samples.get('r2')!, observedLagBytes: null, now });
    assert.equal(gate.allowed, true, gate.reason);
    // Without the memory the same gate refuses: the defect this closes.
    assert.match(rpoGate({ target: 'r2', budgetMs: 1_000, budgetBytes: null, observedLagBytes: null, now }).reason, /lag of r2 is unknown/);
  });

  it('ignores samples of another primary or epoch, of unknown regions, about the primary itself, and from the future', () => {
    const cases: { memory: ReplicationMemory; primary: string; epoch: number }[] = [
      { memory, primary: 'r2', epoch: 2 },
      { memory, primary: 'r1', epoch: 3 },
      { memory: { ...memory, samples: { r9: sample } }, primary: 'r1', epoch: 2 },
      { memory: { ...memory, samples: { r1: sample } }, primary: 'r1', epoch: 2 },
      { memory: { ...memory, samples: { r2: { ...sample, at: now + 1 } } }, primary: 'r1', epoch: 2 },
    ];
    for (const c of cases) {
      const samples = new Map<string, LagSample>();
      seedSamples(samples, c.memory, c.primary, c.epoch, regions, now);
      assert.equal(samples.size, 0, JSON.stringify(c));
    }
  });

  it('an aged sample of a lagging standby counts its age: carried over, it grows more pessimistic, not less', () => {
    const lagging: LagSample = { at: now - 2_000, lagBytes: 4096, lagSeconds: 0.1 };
    const samples = new Map<string, LagSample>();
    seedSamples(samples, { primary: 'r1', epoch: 0, samples: { r2: lagging } }, 'r1', 0, regions, now);
    const gate = rpoGate({ target: 'r2', budgetMs: 1_000, budgetBytes: null, sample: samples.get('r2')!, observedLagBytes: null, now });
    assert.equal(gate.allowed, false);
    assert.equal(gate.lagMs, 2_100);
  });

  it('a newer sample of the window wins, and the window hands on what it has', () => {
    const fresh: LagSample = { at: now, lagBytes: 10, lagSeconds: 0 };
    const samples = new Map<string, LagSample>([['r2', fresh]]);
    seedSamples(samples, memory, 'r1', 2, regions, now);
    assert.deepEqual(rememberSamples(samples, 'r1', 2), { primary: 'r1', epoch: 2, samples: { r2: fresh } });
  });
});
