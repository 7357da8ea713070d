/** The isolation forest against Liu, Ting & Zhou 2008: c(n), path lengths, scores, seeding. */
import { strict as assert } from 'node:assert';
import { averagePathLength, EULER_GAMMA, harmonic, IsolationForest } from '../../../src/predict/isolation-forest';
import { Mulberry32 } from '../../../src/predict/prng';
import { gaussian } from './synthetic';

/** 500 two-feature rows around the origin, then one far outlier. */
function cloud(seed = 1): Float64Array {
  const prng = new Mulberry32(seed);
  const rows = new Float64Array(501 * 2);
  for (let i = 0; i < 500; i++) {
    rows[2 * i] = gaussian(prng);
    rows[2 * i + 1] = gaussian(prng);
  }
  rows[1000] = 8;
  rows[1001] = -8;
  return rows;
}

describe('isolation forest', () => {
  it('c(n) = 2H(n-1) - 2(n-1)/n with H(i) = ln(i) + γ; c(2) = 1, c(1) = c(0) = 0', () => {
    assert.equal(EULER_GAMMA, 0.5772156649);
    assert.equal(harmonic(1), EULER_GAMMA);
    assert.equal(averagePathLength(0), 0);
    assert.equal(averagePathLength(1), 0);
    assert.equal(averagePathLength(2), 1);
    // c(3) = 2(ln 2 + γ) - 4/3 = 2(0.693147181 + 0.577215665) - 1.333333333 = 1.207392357
    assert.ok(Math.abs(averagePathLength(3) - 1.2073923) < 1e-6);
    // c(256) = 2(ln 255 + γ) - 510/256 = 2(5.541263545 + 0.577215665) - 1.9921875 = 10.244770920
    assert.ok(Math.abs(averagePathLength(256) - 10.2447709) < 1e-6);
    // The approximation's error against the exact harmonic number shrinks with n.
    let exact = 0;
    for (let i = 1; i <= 255; i++) exact += 1 / i;
    assert.ok(Math.abs(harmonic(255) - exact) < 0.002);
  });

  it('grows t trees on ψ-row subsamples with height limit ⌈log2 ψ⌉', () => {
    const forest = new IsolationForest(cloud(), 2, new Mulberry32(42));
    assert.equal(forest.trees, 100);
    assert.equal(forest.psi, 256);
    assert.equal(forest.heightLimit, 8);
    // Fewer rows than ψ: every row, and the limit follows.
    const small = new IsolationForest(cloud().subarray(0, 2 * 50), 2, new Mulberry32(42));
    assert.equal(small.psi, 50);
    assert.equal(small.heightLimit, 6);
  });

  it("isolates an outlier in fewer steps than a central point; its score is high, the center's below 0.5", () => {
    const rows = cloud();
    const forest = new IsolationForest(rows, 2, new Mulberry32(42));
    const outlier = [8, -8],
      center = [0, 0];
    assert.ok(forest.pathLength(outlier) < 4, `outlier path ${forest.pathLength(outlier)}`);
    // A typical point needs about c(ψ) ≈ 10.2 steps; the height limit caps the walked part at 8 plus c(leaf size).
    assert.ok(forest.pathLength(center) > 8, `center path ${forest.pathLength(center)}`);
    assert.ok(forest.score(outlier) > 0.7, `outlier score ${forest.score(outlier)}`);
    assert.ok(forest.score(center) < 0.5, `center score ${forest.score(center)}`);
    // s = 2^(-E[h]/c(ψ))
    assert.ok(Math.abs(forest.score(outlier) - 2 ** (-forest.pathLength(outlier) / averagePathLength(256))) < 1e-12);
  });

  it('same seed, same forest; another seed, another forest', () => {
    const rows = cloud();
    const probe = [1.5, 0.3];
    const a = new IsolationForest(rows, 2, new Mulberry32(7)).score(probe);
    const b = new IsolationForest(rows, 2, new Mulberry32(7)).score(probe);
    const c = new IsolationForest(rows, 2, new Mulberry32(8)).score(probe);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('needs two rows; identical rows make leaves, not NaN', () => {
    assert.throws(() => new IsolationForest(new Float64Array([1, 2]), 2, new Mulberry32(1)), { code: 'PREDICT_TOO_FEW_POINTS' });
    const same = new IsolationForest(new Float64Array(200).fill(3), 2, new Mulberry32(1));
    const s = same.score([3, 3]);
    assert.ok(Number.isFinite(s) && s > 0 && s <= 1, String(s));
    assert.ok(same.score([9, 9]) >= s);
    const two = new IsolationForest(new Float64Array([0, 0, 1, 1]), 2, new Mulberry32(1));
    assert.ok(Number.isFinite(two.score([5, 5])));
  });

  it('fits 10,000 rows well within 200 ms', () => {
    const prng = new Mulberry32(3);
    const rows = Float64Array.from({ length: 60_000 }, () => gaussian(prng));
    const t0 = performance.now();
    new IsolationForest(rows, 6, new Mulberry32(42));
    assert.ok(performance.now() - t0 < 200);
  });
});
