/**
 * The detectors on seeded synthetic series, each with the kind of anomaly it is for, at
 * their frozen (NAB-tuned, standard profile) alert rules.
 */
import { strict as assert } from 'node:assert';
import { detections } from '../../../src/predict/alerts';
import type { DetectorName } from '../../../src/predict/detector';
import { detectPeriod } from '../../../src/predict/period';
import { createDetector } from '../../../src/predict/registry';
import { frozenRule } from '../../../src/predict/thresholds';
import { argmax, noise, seasonal } from './synthetic';

function scores(name: DetectorName, values: readonly number[]): number[] {
  const detector = createDetector(name);
  return values.map((v) => detector.update(v).score);
}

function alerts(name: DetectorName, values: readonly number[]): number[] {
  return detections(scores(name, values), frozenRule(name));
}

describe('detectors on synthetic series', () => {
  it('a spike: the robust z-score and the ensemble alert on the spike itself', () => {
    const values = noise(2000, 1);
    values[1500] += 12;
    for (const name of ['robust-z', 'ensemble'] as const) assert.ok(alerts(name, values).includes(1500), `${name} ${alerts(name, values)}`);
    // The score peaks within the likelihood's averaging window after it.
    const s = scores('ensemble', values);
    assert.ok(argmax(s, 1490) - 1500 < 10);
  });

  it('a level shift: the ensemble alerts within a few values, and the EWMA chart goes to its limit', () => {
    const values = noise(2000, 2);
    for (let i = 1500; i < 2000; i++) values[i] += 5;
    const first = alerts('ensemble', values).find((i) => i >= 1500);
    assert.ok(first !== undefined && first - 1500 <= 5, `first alert ${first}`);
    assert.equal(Math.max(...scores('ewma', values).slice(1500, 1520)), 1);
  });

  it('a slow drift: the EWMA chart raises it within 100 values; the ensemble follows', () => {
    const values = noise(4000, 3);
    for (let i = 2000; i < 4000; i++) values[i] += (i - 2000) * 0.01; // 1σ per 100 values
    const ewma = alerts('ewma', values).find((i) => i >= 2000);
    const ensemble = alerts('ensemble', values).find((i) => i >= 2000);
    assert.ok(ewma !== undefined && ewma < 2100, `ewma ${ewma}`);
    assert.ok(ensemble !== undefined && ensemble < 2150, `ensemble ${ensemble}`);
  });

  it('a seasonal series with a broken season: only the seasonal baseline sees it at once', () => {
    // Period 100; for one season the rhythm stops (the values stay near the level, within the normal range).
    const values = seasonal(4000, 100, 4);
    for (let i = 3000; i < 3100; i++) values[i] -= 20 * Math.sin((2 * Math.PI * i) / 100);
    assert.equal(detectPeriod(values.slice(0, 600)), 100);
    const seasonalFirst = alerts('seasonal', values).find((i) => i >= 3000);
    assert.ok(seasonalFirst !== undefined && seasonalFirst < 3010, `seasonal ${seasonalFirst}`);
    assert.ok(alerts('ensemble', values).some((i) => i >= 3000 && i < 3010));
    // Every value is within the series' range, so the EWMA chart stays inside its limits.
    assert.deepEqual(
      alerts('ewma', values).filter((i) => i >= 3000 && i < 3100),
      [],
    );
  });

  it('clean data raises few alerts: none on a clean season, under 0.5% of values on white noise', () => {
    assert.deepEqual(
      alerts('ensemble', seasonal(4000, 100, 5)).filter((i) => i >= 300),
      [],
    );
    const onNoise = alerts('ensemble', noise(4000, 6)).filter((i) => i >= 300);
    assert.ok(onNoise.length < 0.005 * 3700, `${onNoise.length} alerts`);
  });

  it('every score is in [0, 1], 0 while warming up', () => {
    const values = seasonal(1500, 48, 9);
    for (const name of ['robust-z', 'ewma', 'seasonal', 'iforest', 'ensemble'] as const) {
      const s = scores(name, values);
      assert.ok(
        s.every((x) => x >= 0 && x <= 1),
        name,
      );
      assert.deepEqual(s.slice(0, 30), new Array(30).fill(0), name);
    }
  });
});
