/** Sliding windows: what they count, what they forget, and what they remember across a snapshot. */
import { strict as assert } from 'node:assert';
import { CountWindow } from '../../../src/resilience/count-window';
import { TimeWindow } from '../../../src/resilience/time-window';
import { FAILED, SLOW, type WindowSnapshot } from '../../../src/resilience/window';

const counts = (w: { calls: number; failures: number; slowCalls: number }) => [w.calls, w.failures, w.slowCalls];

describe('resilience: count window', () => {
  it('counts calls, failures and slow calls up to its size', () => {
    const w = new CountWindow(4);
    w.record(0);
    w.record(FAILED);
    w.record(SLOW);
    assert.deepEqual(counts(w), [3, 1, 1]);
    w.record(FAILED | SLOW);
    assert.deepEqual(counts(w), [4, 2, 2]);
  });

  it('forgets the oldest call once full', () => {
    const w = new CountWindow(3);
    for (const o of [FAILED, FAILED, 0]) w.record(o);
    w.record(0); // evicts the first failure
    assert.deepEqual(counts(w), [3, 1, 0]);
    w.record(0); // evicts the second
    assert.deepEqual(counts(w), [3, 0, 0]);
  });

  it('round-trips through JSON oldest first, and ignores a snapshot of another size', () => {
    const w = new CountWindow(3);
    for (const o of [FAILED, 0, SLOW, FAILED]) w.record(o);
    const snapshot: WindowSnapshot = JSON.parse(JSON.stringify(w.toJSON()));
    assert.deepEqual(snapshot, { kind: 'count', size: 3, outcomes: [0, SLOW, FAILED] });
    const back = CountWindow.restore(3, snapshot);
    assert.deepEqual(counts(back), counts(w));
    back.record(0); // evicts the restored oldest (0), like the original would
    w.record(0);
    assert.deepEqual(counts(back), counts(w));
    assert.deepEqual(counts(CountWindow.restore(5, snapshot)), [0, 0, 0]);
  });

  it('clears', () => {
    const w = new CountWindow(2);
    w.record(FAILED);
    w.clear();
    assert.deepEqual(counts(w), [0, 0, 0]);
  });
});

describe('resilience: time window', () => {
  const t0 = Date.UTC(2026, 0, 1);

  it('counts the calls of the last N seconds, in one-second buckets', () => {
    const w = new TimeWindow(10);
    w.record(FAILED, t0);
    w.record(0, t0 + 500);
    w.record(SLOW, t0 + 9_999);
    assert.deepEqual(counts(w), [3, 1, 1]);
    w.advance(t0 + 10_000); // second 0 falls out
    assert.deepEqual(counts(w), [1, 0, 1]);
    w.advance(t0 + 18_999); // the last 10 s are seconds 9–18: the slow call is still in
    assert.deepEqual(counts(w), [1, 0, 1]);
    w.advance(t0 + 19_000);
    assert.deepEqual(counts(w), [0, 0, 0]);
  });

  it('forgets everything after a long quiet spell, at O(size) cost', () => {
    const w = new TimeWindow(5);
    for (let i = 0; i < 100; i++) w.record(FAILED, t0 + i * 10);
    w.record(0, t0 + 3_600_000);
    assert.deepEqual(counts(w), [1, 0, 0]);
  });

  it('keeps filling the newest bucket when the clock steps back', () => {
    const w = new TimeWindow(5);
    w.record(FAILED, t0 + 3_000);
    w.record(0, t0 + 1_000);
    assert.deepEqual(counts(w), [2, 1, 0]);
  });

  it('works from the epoch (manual clocks start anywhere)', () => {
    const w = new TimeWindow(3);
    w.record(FAILED, 0);
    w.record(0, 2_500);
    w.advance(3_000);
    assert.deepEqual(counts(w), [1, 0, 0]);
  });

  it('round-trips through JSON and expires restored buckets on time', () => {
    const w = new TimeWindow(10);
    w.record(FAILED, t0);
    w.record(SLOW, t0 + 4_000);
    w.record(0, t0 + 4_200);
    const snapshot: WindowSnapshot = JSON.parse(JSON.stringify(w.toJSON()));
    assert.equal(snapshot.kind === 'time' && snapshot.buckets.length, 2);
    const back = TimeWindow.restore(10, snapshot);
    assert.deepEqual(counts(back), [3, 1, 1]);
    back.advance(t0 + 10_000);
    assert.deepEqual(counts(back), [2, 0, 1]);
    assert.deepEqual(counts(TimeWindow.restore(20, snapshot)), [0, 0, 0]);
  });
});
