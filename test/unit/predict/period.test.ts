/** Season detection by autocorrelation. */
import { strict as assert } from 'node:assert';
import { detectPeriod } from '../../../src/predict/period';
import { Mulberry32 } from '../../../src/predict/prng';
import { gaussian, noise, seasonal } from './synthetic';

describe('season detection', () => {
  it('finds the season of a noisy sine, also on a trend', () => {
    assert.equal(detectPeriod(seasonal(600, 24, 1)), 24);
    // Two seasons only locate a long one to within a few rows; five pin it down.
    assert.ok(Math.abs((detectPeriod(seasonal(600, 288, 2, 20, 3)) ?? 0) - 288) <= 3);
    assert.equal(detectPeriod(seasonal(1500, 288, 2, 20, 3)), 288);
    const trending = seasonal(600, 50, 3).map((v, i) => v + 0.2 * i);
    assert.equal(detectPeriod(trending), 50);
  });

  it('finds the fundamental, not a multiple, of a square wave', () => {
    const square = Array.from({ length: 800 }, (_, i) => (Math.floor(i / 20) % 2 === 0 ? 10 : 0));
    assert.equal(detectPeriod(square), 40);
  });

  it('finds none in white noise, a random walk, a constant or a straight line', () => {
    assert.equal(detectPeriod(noise(600, 4)), null);
    const prng = new Mulberry32(5);
    let level = 0;
    assert.equal(detectPeriod(Array.from({ length: 600 }, () => (level += gaussian(prng)))), null);
    assert.equal(detectPeriod(new Array(600).fill(7)), null);
    assert.equal(detectPeriod(Array.from({ length: 600 }, (_, i) => 3 * i + 1)), null);
  });

  it('needs two full seasons: none in too short a series', () => {
    assert.equal(detectPeriod(seasonal(30, 24, 6)), null);
    assert.equal(detectPeriod([]), null);
  });
});
