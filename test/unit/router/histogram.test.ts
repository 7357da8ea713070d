/** The log-linear latency histogram: every value kept within ~3%, quantiles close to exact ones, fixed size. */
import { strict as assert } from 'node:assert';
import { BUCKET_COUNT, Histogram, bucketIndex, bucketLowerBound, bucketValue, bucketWidth } from '../../../src/router/histogram';
import { seededRandom } from './seeded';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

describe('router histogram', () => {
  it('puts each value in a bucket whose range contains it, and buckets never go backwards', () => {
    let previous = 0;
    for (const us of [0, 1, 15, 16, 17, 31, 32, 33, 100, 999, 1000, 1023, 1024, 65_535, 1_000_000, 123_456_789, 4_294_967_295]) {
      const i = bucketIndex(us);
      assert.ok(i >= previous, `bucket of ${us} went backwards`);
      previous = i;
      assert.ok(
        bucketLowerBound(i) <= us && us < bucketLowerBound(i) + bucketWidth(i),
        `${us} not in bucket ${i} [${bucketLowerBound(i)}, +${bucketWidth(i)})`,
      );
    }
    assert.equal(bucketIndex(-5), 0);
    assert.equal(bucketIndex(1e12), BUCKET_COUNT - 1);
  });

  it('represents any value within 1/32 of itself (or exactly below 16 µs)', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 20_000; n++) {
      const us = Math.floor(Math.exp(random() * Math.log(1e9)));
      const value = bucketValue(bucketIndex(us));
      if (us < 16) assert.equal(value, us);
      else assert.ok(Math.abs(value - us) / us <= 1 / 32, `${us} → ${value}`);
    }
  });

  it('gives p50/p95/p99 within 3.2% of the exact nearest-rank quantiles', () => {
    const random = seededRandom(42);
    const h = new Histogram();
    const samples: number[] = [];
    for (let n = 0; n < 50_000; n++) {
      // Log-normal around 2 ms with a long tail, like real request latencies.
      const u = 1 - random(),
        v = random();
      const us = Math.exp(Math.log(2000) + 0.8 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
      h.record(us);
      samples.push(us);
    }
    samples.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(samples, q);
      const approx = h.quantileUs(q);
      assert.ok(Math.abs(approx - exact) / exact < 0.032, `q${q}: ${approx} vs exact ${exact}`);
    }
    assert.equal(h.count, 50_000);
    assert.equal(h.counts.length, BUCKET_COUNT);
  });

  it('caps quantiles at the observed maximum and is NaN when empty', () => {
    const h = new Histogram();
    assert.ok(Number.isNaN(h.quantileUs(0.5)));
    h.record(1000);
    assert.equal(h.quantileUs(0.99), 1000);
    const buckets = h.bucketsMs();
    assert.equal(buckets.length, 1);
    assert.ok(Math.abs(buckets[0][0] - 1) < 1 / 32 && buckets[0][1] === 1, JSON.stringify(buckets));
  });
});
