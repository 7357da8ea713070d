/**
 * The Mann-Whitney U test against cases worked by hand (ranks, U, the tie-corrected
 * variance, the continuity-corrected z) and against the exact distribution counted on paper.
 */
import { strict as assert } from 'node:assert';
import { exactCdf, mannWhitneyU, median } from '../../../src/analysis/mann-whitney';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

describe('Mann-Whitney U', () => {
  it('separated samples: U = 0 / 9, exact p = 2 × 1/C(6,3) = 0.1', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(r.uCanary, 9);
    assert.equal(r.uBaseline, 0);
    assert.equal(r.u, 0);
    assert.equal(r.method, 'exact');
    assert.equal(r.ties, false);
    close(r.pValue, 0.1, 1e-12, 'exact p');
  });

  it('the same samples by the normal approximation: mean 4.5, variance 3·3/12·7 = 5.25, z = (4.5 − 0.5)/√5.25', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6], { method: 'normal' });
    assert.equal(r.method, 'normal');
    close(r.z, 4.5 / Math.sqrt(5.25), 1e-9, 'z (uncorrected)');
    // z = 1.745743; two-sided p = 2·Q(1.745743) = 0.080856 (scipy's asymptotic mannwhitneyu agrees).
    close(r.pValue, 0.080856, 2e-5, 'normal p');
  });

  it('ties get average ranks and shrink the variance', () => {
    // Sorted: 1b 2b 2b 2c 3b 3c 4c 5c → ranks 1, 3, 3, 3, 5.5, 5.5, 7, 8.
    // Canary rank sum 3 + 5.5 + 7 + 8 = 23.5 → U_canary = 23.5 − 4·5/2 = 13.5, U_baseline = 16 − 13.5 = 2.5.
    // Σ(t³ − t) = (27 − 3) + (8 − 2) = 30; variance = 16/12 · (9 − 30/56) = 11.285714.
    // z = (|13.5 − 8| − 0.5) / √11.285714 = 1.488350 → p = 2·Q(1.48835) = 0.13666.
    const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5]);
    assert.equal(r.uCanary, 13.5);
    assert.equal(r.uBaseline, 2.5);
    assert.equal(r.u, 2.5);
    assert.equal(r.ties, true);
    assert.equal(r.method, 'normal', 'ties rule out the exact distribution');
    close(r.z, 5.5 / Math.sqrt(11.285714), 1e-6, 'z');
    close(r.pValue, 0.13666, 2e-4, 'p');
    assert.throws(() => mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5], { method: 'exact' }), /no ties/);
  });

  it('counts the exact distribution: sizes 2 and 2 have U = 0,1,2,3,4 in 1,1,2,1,1 of 6 orderings', () => {
    close(exactCdf(2, 2, 0), 1 / 6, 1e-15, 'P(U ≤ 0)');
    close(exactCdf(2, 2, 1), 2 / 6, 1e-15, 'P(U ≤ 1)');
    close(exactCdf(2, 2, 2), 4 / 6, 1e-15, 'P(U ≤ 2)');
    assert.equal(exactCdf(2, 2, 4), 1);
    // Ten against ten, fully separated: 2 / C(20, 10) = 2 / 184756.
    const r = mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    close(r.pValue, 2 / 184756, 1e-15, 'exact p for 10 vs 10');
    // The distribution is symmetric: P(U ≤ k) = P(U ≥ mn − k).
    for (const [m, n] of [
      [3, 5],
      [4, 4],
      [7, 2],
    ]) {
      for (let k = 0; k < m * n; k++) close(exactCdf(m, n, k) + exactCdf(m, n, m * n - k - 1), 1, 1e-12, `symmetry ${m},${n},${k}`);
    }
  });

  it('interleaved samples show no difference; all-equal samples give p = 1', () => {
    const r = mannWhitneyU([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]);
    assert.equal(r.uCanary, 15); // 1+2+3+4+5 pairs where canary wins
    assert.ok(r.pValue > 0.5, `p ${r.pValue}`);
    const same = mannWhitneyU([5, 5, 5], [5, 5, 5]);
    assert.equal(same.pValue, 1);
    assert.equal(same.uCanary, 4.5);
  });

  it('large samples use the normal approximation and find a shift', () => {
    const baseline = Array.from({ length: 40 }, (_, i) => 100 + (i % 10));
    const canary = baseline.map((v) => v + 5);
    const r = mannWhitneyU(baseline, canary);
    assert.equal(r.method, 'normal');
    assert.ok(r.pValue < 1e-6, `p ${r.pValue}`);
    assert.ok(r.uCanary > r.uBaseline);
  });

  it('refuses empty samples and values that are not finite numbers, naming them', () => {
    assert.throws(() => mannWhitneyU([], [1]), /baseline has 0/);
    assert.throws(() => mannWhitneyU([1, NaN], [1]), /baseline\[1\] is NaN/);
    assert.throws(() => mannWhitneyU([1], [2, Infinity]), /canary\[1\] is Infinity/);
  });

  it('median: middle value, or the mean of the middle two', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
