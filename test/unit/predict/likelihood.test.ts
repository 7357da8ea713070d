/** Anomaly likelihood: the tail probability of raw evidence against its own recent history. */
import { strict as assert } from 'node:assert';
import { AnomalyLikelihood, erfc, gaussianTail, logScore } from '../../../src/predict/likelihood';
import { Mulberry32 } from '../../../src/predict/prng';

describe('anomaly likelihood', () => {
  it('erfc and the Gaussian tail match tabulated values, far into the tail', () => {
    const cases: [number, number][] = [
      [0, 1],
      [0.5, 0.4795001222],
      [1, 0.1572992071],
      [2, 0.004677734981],
      [3, 2.2090497e-5],
      [5, 1.537459795e-12],
    ];
    for (const [x, expected] of cases) assert.ok(Math.abs(erfc(x) - expected) / expected < 2e-7, `erfc(${x}) = ${erfc(x)}`);
    assert.ok(Math.abs(erfc(-1) - (2 - 0.1572992071)) < 1e-7);
    assert.ok(Math.abs(gaussianTail(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(gaussianTail(1.959964) - 0.025) < 1e-6);
  });

  it('scores -log10(p)/10, clamped to [0, 1]: 1-in-100,000 is 0.5', () => {
    assert.ok(Math.abs(logScore(1e-5) - 0.5) < 1e-12);
    assert.equal(logScore(1), 0);
    assert.equal(logScore(1e-12), 1);
    assert.equal(logScore(0), 1);
  });

  it('scores 0 while learning, then judges a burst of evidence against the history', () => {
    const likelihood = new AnomalyLikelihood({ learning: 100 });
    const prng = new Mulberry32(1);
    const early = Array.from({ length: 100 }, () => likelihood.update(Math.abs(prng.next() - 0.5)));
    assert.ok(early.every((l) => l.score === 0 && l.tail === 1));
    const calm = Array.from({ length: 500 }, () => likelihood.update(Math.abs(prng.next() - 0.5)).score);
    assert.ok(Math.max(...calm) < 0.5, `calm max ${Math.max(...calm)}`);
    const burst = [8, 8, 8].map((raw) => likelihood.update(raw));
    assert.ok(burst[2].score > 0.9, `burst ${burst.map((b) => b.score)}`);
    assert.ok(burst[2].tail < 1e-9);
  });

  it('is one-sided: an unusually quiet stretch is not an anomaly', () => {
    const likelihood = new AnomalyLikelihood({ learning: 100 });
    const prng = new Mulberry32(3);
    for (let i = 0; i < 500; i++) likelihood.update(0.5 + prng.next());
    const quiet = Array.from({ length: 20 }, () => likelihood.update(0));
    assert.ok(quiet.every((q) => q.score < 0.01 && q.tail > 0.5));
  });

  it('caps raw evidence, so one huge value does not blind it afterwards', () => {
    const likelihood = new AnomalyLikelihood({ learning: 50, history: 1000 });
    const prng = new Mulberry32(2);
    const z = () => Math.abs(Math.sqrt(-2 * Math.log(1 - prng.next())) * Math.cos(2 * Math.PI * prng.next()));
    for (let i = 0; i < 500; i++) likelihood.update(z());
    assert.ok(likelihood.update(1e6).score > 0.5);
    for (let i = 0; i < 100; i++) likelihood.update(z());
    const later = [8, 8, 8].map((raw) => likelihood.update(raw).score);
    assert.ok(later[2] > 0.5, `a later, smaller anomaly still stands out: ${later}`);
  });

  it('a flat history uses the minimum spread instead of dividing by zero', () => {
    const likelihood = new AnomalyLikelihood({ learning: 10 });
    for (let i = 0; i < 50; i++) likelihood.update(0);
    const same = likelihood.update(0);
    assert.ok(Math.abs(same.tail - 0.5) < 1e-6);
    assert.ok(likelihood.update(1).score > 0.5);
  });
});
