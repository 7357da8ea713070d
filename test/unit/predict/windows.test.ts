/** The sliding windows under the detectors agree with the textbook statistics, computed the slow way. */
import { strict as assert } from 'node:assert';
import { Mulberry32 } from '../../../src/predict/prng';
import { RollingWindow } from '../../../src/predict/rolling-window';
import { SortedWindow } from '../../../src/predict/sorted-window';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

describe('sliding windows', () => {
  it('median and MAD of a sorted window match a full sort, odd and even sizes, with ties', () => {
    const prng = new Mulberry32(1);
    for (const capacity of [5, 8, 31]) {
      const window = new SortedWindow(capacity);
      const kept: number[] = [];
      for (let i = 0; i < 400; i++) {
        const v = Math.round(prng.next() * 20) / 2; // many ties
        window.push(v);
        kept.push(v);
        if (kept.length > capacity) kept.shift();
        const m = median(kept);
        assert.equal(window.median(), m);
        assert.equal(window.mad(m), median(kept.map((x) => Math.abs(x - m))), `capacity ${capacity} at ${i}`);
        assert.deepEqual(window.toArray(), kept);
      }
    }
  });

  it('rolling mean and standard deviation match a recomputation, over a long stream of huge values varying a little', () => {
    const prng = new Mulberry32(2);
    const window = new RollingWindow(50);
    const kept: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = 1e12 + prng.next() * 1000; // a byte counter: E[x²] - E[x]² would cancel to noise
      window.push(v);
      kept.push(v);
      if (kept.length > 50) kept.shift();
    }
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    const std = Math.sqrt(kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length);
    assert.ok(Math.abs(window.mean() - mean) < 1e-3);
    assert.ok(Math.abs(window.std() - std) / std < 1e-6, `${window.std()} vs ${std}`);
    assert.equal(window.back(1), kept[49]);
    assert.equal(window.back(50), kept[0]);
    assert.equal(window.back(51), undefined);
  });
});
