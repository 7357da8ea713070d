/**
 * Bad input is handled deliberately: skipped with a reason, reported, or refused with a
 * code — never a NaN score.
 */
import { strict as assert } from 'node:assert';
import { LikelihoodDetector } from '../../../src/predict/detector';
import { Ewma } from '../../../src/predict/ewma';
import { MetricStream } from '../../../src/predict/metric-stream';
import { Mulberry32 } from '../../../src/predict/prng';
import { createDetector } from '../../../src/predict/registry';
import { RobustZScore } from '../../../src/predict/robust-zscore';
import { SeasonalBaseline } from '../../../src/predict/seasonal-baseline';
import { noise } from './synthetic';

describe('bad input', () => {
  it('skips NaN, null, ±Infinity and absurd magnitudes with a reason; the model never sees them', () => {
    const stream = new MetricStream(createDetector('robust-z'));
    const reference = new MetricStream(createDetector('robust-z'));
    const values = noise(300, 1);
    const dirty: (number | null)[] = [...values];
    dirty.splice(100, 0, NaN, null, Infinity, -Infinity, 1e200);
    const out = dirty.map((v) => stream.push(v));
    assert.deepEqual(
      out.slice(100, 105).map((s) => s.skipped),
      ['missing', 'missing', 'infinite', 'infinite', 'out-of-range'],
    );
    assert.ok(out.slice(100, 105).every((s) => s.score === 0 && s.raw === null));
    assert.deepEqual(stream.counts.skipped, { missing: 2, infinite: 2, 'out-of-range': 1, 'out-of-order': 0, 'duplicate-timestamp': 0 });
    // The clean values score exactly as without the garbage.
    const clean = values.map((v) => reference.push(v).score);
    assert.deepEqual(
      out.filter((s) => !s.skipped).map((s) => s.score),
      clean,
    );
  });

  it('skips out-of-order and duplicate timestamps (the first wins), and reports gaps without filling them', () => {
    const stream = new MetricStream(createDetector('ewma'));
    for (let i = 0; i < 20; i++) stream.push(i, i * 60_000);
    assert.equal(stream.push(5, 10 * 60_000).skipped, 'out-of-order');
    assert.equal(stream.push(5, 19 * 60_000).skipped, 'duplicate-timestamp');
    const afterGap = stream.push(20, 25 * 60_000);
    assert.equal(afterGap.skipped, undefined);
    assert.equal(afterGap.gapBefore, 5); // minutes 20-24 are missing
    assert.equal(stream.counts.gaps, 1);
    assert.equal(stream.counts.scored, 21);
  });

  it('a constant series scores 0, and the first change after it scores high, without NaN', () => {
    // Not the isolation forest alone: a forest grown on identical rows cannot isolate anything
    // (Liu et al.: duplicates end in one leaf), so it calls every row ordinary until it refits
    // on the new values. Its statistical partners in the ensemble catch the change.
    for (const name of ['robust-z', 'ewma', 'seasonal', 'ensemble'] as const) {
      const detector = createDetector(name);
      const flat = Array.from({ length: 700 }, () => detector.update(42).score);
      assert.ok(
        flat.every((s) => s === 0 || (s > 0 && s < 0.1)),
        `${name} flat ${Math.max(...flat)}`,
      );
      const jump = [43, 43, 43, 43, 43].map((v) => detector.update(v).score);
      assert.ok(jump.every(Number.isFinite), name);
      assert.ok(Math.max(...jump) > 0.5, `${name} after the flat stretch: ${jump}`);
    }
    const forest = createDetector('iforest');
    const scores = [...new Array(700).fill(42), 43, 43].map((v) => forest.update(v).score);
    assert.ok(scores.every((s) => s >= 0 && s < 0.1));
  });

  it('too few points: scores stay 0 and raw evidence null while a model warms up', () => {
    const detector = new LikelihoodDetector('robust-z', new RobustZScore({ minPoints: 30 }));
    const early = noise(29, 2).map((v) => detector.update(v));
    assert.ok(early.every((s) => s.score === 0 && s.raw === null && s.tail === 1));
    assert.equal(new SeasonalBaseline().step(5), null);
    assert.equal(new Ewma().step(5), null);
  });

  it('wild values of every magnitude and sign never produce a NaN or out-of-range score', () => {
    const prng = new Mulberry32(13);
    const stream = new MetricStream(createDetector('ensemble'));
    for (let i = 0; i < 3000; i++) {
      const magnitude = 10 ** Math.floor(prng.next() * 200 - 100);
      const v = prng.next() < 0.02 ? [NaN, Infinity, -Infinity, null][i % 4] : (prng.next() - 0.5) * magnitude;
      const s = stream.push(v as number | null);
      assert.ok(s.score >= 0 && s.score <= 1, `value ${v} scored ${s.score}`);
    }
  });

  it('refuses bad options and unknown detectors with stable codes', () => {
    assert.throws(() => new RobustZScore({ window: 2 }), { code: 'PREDICT_BAD_OPTION', message: /window must be an integer in \[3, 100000\]/ });
    assert.throws(() => new Ewma({ lambda: NaN }), { code: 'PREDICT_BAD_OPTION' });
    assert.throws(() => createDetector('prophet'), { code: 'PREDICT_UNKNOWN_DETECTOR', message: /robust-z, ewma, seasonal, iforest, ensemble/ });
    assert.throws(() => createDetector('ensemble', { members: ['ewma', 'lstm' as never] }), { code: 'PREDICT_UNKNOWN_DETECTOR' });
  });
});
