/** Time to threshold: trends extrapolated honestly, "no trend" when there is none. */
import { strict as assert } from 'node:assert';
import { timeToThreshold } from '../../../src/predict/time-to-threshold';
import { noise } from './synthetic';

/** 50 + 0.2 per row plus noise σ = 0.5: reaches 90 at row 200. */
const rising = noise(100, 1, 0, 0.5).map((e, i) => 50 + 0.2 * i + e);

describe('time to threshold', () => {
  it('a linear rise: the ETA is close to the true crossing and inside the interval', () => {
    const result = timeToThreshold(rising, { threshold: 90, direction: 'above' });
    assert.equal(result.status, 'trend');
    assert.equal(result.unit, 'rows');
    const truth = 200 - 99;
    assert.ok(Math.abs((result.eta as number) - truth) < 10, `eta ${result.eta}`);
    assert.ok(result.interval && (result.interval.low as number) <= truth && truth <= (result.interval.high as number), JSON.stringify(result.interval));
    assert.equal(result.linear.status, 'toward');
    assert.ok(Math.abs(result.linear.slope - 0.2) < 0.01);
    assert.ok(result.holt && result.holt.eta !== null);
  });

  it('timestamps give the ETA in milliseconds from the last point', () => {
    const points = rising.map((value, i) => ({ timestamp: Date.UTC(2026, 0, 1) + i * 60_000, value }));
    const rows = timeToThreshold(rising, { threshold: 90, direction: 'above' });
    const timed = timeToThreshold(points, { threshold: 90, direction: 'above' });
    assert.equal(timed.unit, 'ms');
    assert.equal(timed.from, Date.UTC(2026, 0, 1) + 99 * 60_000);
    assert.ok(Math.abs((timed.eta as number) - (rows.eta as number) * 60_000) < 1e-3 * 60_000);
    const iso = timeToThreshold(
      points.map((p) => ({ ...p, timestamp: new Date(p.timestamp).toISOString() })),
      { threshold: 90, direction: 'above' },
    );
    assert.equal(iso.eta, timed.eta);
  });

  it('falling free space reaches a floor: direction below', () => {
    const free = rising.map((v) => 100 - v); // 50 → 30.2, falling 0.2 a row
    const result = timeToThreshold(free, { threshold: 10, direction: 'below' });
    assert.equal(result.status, 'trend');
    assert.ok(Math.abs((result.eta as number) - 101) < 10);
  });

  it('noise without a trend is "no trend", not a date', () => {
    const result = timeToThreshold(noise(200, 2, 50, 2), { threshold: 90, direction: 'above' });
    assert.equal(result.status, 'no-trend');
    assert.equal(result.eta, null);
    assert.match(result.reason ?? '', /no significant trend/);
  });

  it('a trend away from the threshold, one already crossed, and one that turned', () => {
    assert.equal(timeToThreshold(rising, { threshold: 10, direction: 'below' }).status, 'no-trend');
    assert.equal(timeToThreshold(rising, { threshold: 10, direction: 'below' }).linear.status, 'away');
    const crossed = timeToThreshold(rising, { threshold: 60, direction: 'above' });
    assert.equal(crossed.status, 'crossed');
    assert.equal(crossed.eta, 0);
    // Rose for 80 rows, then fell for 40: the regression still sees a rise, the recent trend does not.
    const turned = noise(120, 3, 0, 0.3).map((e, i) => (i < 80 ? i * 0.5 : 40 - (i - 80) * 0.3) + e);
    const away = timeToThreshold(turned, { threshold: 100, direction: 'above' });
    assert.equal(away.linear.status, 'toward');
    assert.equal(away.status, 'no-trend');
    assert.match(away.reason ?? '', /turned away/);
  });

  it('a metric that levelled off crosses much later than the regression says; the interval spans both', () => {
    const plateau = noise(120, 3, 0, 0.3).map((e, i) => Math.min(i, 80) * 0.5 + e);
    const result = timeToThreshold(plateau, { threshold: 100, direction: 'above' });
    assert.equal(result.status, 'trend');
    assert.ok((result.eta as number) > 5 * (result.linear.eta as number), `holt ${result.eta}, linear ${result.linear.eta}`);
    assert.ok((result.interval?.low as number) <= (result.linear.eta as number));
    assert.equal(result.interval?.high, result.eta);
  });

  it('an acceleration is caught sooner than the regression alone would say', () => {
    const accelerating = noise(120, 4, 0, 0.3).map((e, i) => (i < 80 ? 0.1 * i : 8 + 0.6 * (i - 80)) + e);
    const result = timeToThreshold(accelerating, { threshold: 60, direction: 'above' });
    assert.equal(result.status, 'trend');
    assert.ok((result.holt?.eta as number) < (result.linear.eta as number));
    assert.equal(result.eta, result.holt?.eta);
    assert.ok((result.interval?.low as number) <= (result.eta as number));
  });

  it('too few usable points: no trend, with the reason; bad values are skipped and counted', () => {
    const few = timeToThreshold([1, 2, null, NaN as unknown as number, 3], { threshold: 10, direction: 'above' });
    assert.equal(few.status, 'no-trend');
    assert.match(few.reason ?? '', /too few points: 3 usable/);
    assert.deepEqual(few.skipped, { missing: 2 });
  });

  it('refuses a bad threshold or direction and unparseable timestamps', () => {
    assert.throws(() => timeToThreshold(rising, { threshold: NaN, direction: 'above' }), { code: 'PREDICT_BAD_OPTION' });
    assert.throws(() => timeToThreshold(rising, { threshold: 1, direction: 'up' as never }), { code: 'PREDICT_BAD_OPTION' });
    assert.throws(() => timeToThreshold([{ timestamp: 'yesterday', value: 1 }], { threshold: 1, direction: 'above' }), { code: 'PREDICT_BAD_INPUT' });
  });
});
