/**
 * Models serialize to JSON and restore identically: a restored model scores the rest of
 * the stream exactly as the original would have, and the same seed gives the same scores.
 */
import { strict as assert } from 'node:assert';
import { DETECTOR_NAMES, type Detector } from '../../../src/predict/detector';
import { MetricStream } from '../../../src/predict/metric-stream';
import { createDetector, restoreDetector } from '../../../src/predict/registry';
import { seasonal } from './synthetic';

const values = seasonal(3000, 60, 11).map((v, i) => (i === 2500 ? v + 30 : v));

function feed(detector: Detector, xs: readonly number[]): number[] {
  return xs.map((v) => detector.update(v).score);
}

describe('model serialization', () => {
  for (const name of DETECTOR_NAMES) {
    it(`${name}: a snapshot taken mid-stream, through JSON text, restores a model that scores identically`, () => {
      const original = createDetector(name);
      // Cut after the season was detected and the forest fitted, between two refits.
      feed(original, values.slice(0, 1700));
      const text = JSON.stringify(original.toJSON());
      const restored = restoreDetector(JSON.parse(text));
      assert.deepEqual(feed(restored, values.slice(1700)), feed(original, values.slice(1700)));
      // And its own snapshot is the same text again, after the same values.
      assert.equal(JSON.stringify(restored.toJSON()), JSON.stringify(original.toJSON()));
    });
  }

  it('a snapshot taken during warm-up restores too (before any fit or season)', () => {
    const original = createDetector('ensemble');
    feed(original, values.slice(0, 100));
    const restored = restoreDetector(JSON.parse(JSON.stringify(original.toJSON())));
    assert.deepEqual(feed(restored, values.slice(100, 1200)), feed(original, values.slice(100, 1200)));
  });

  it('a metric stream restores with its timestamps and counts', () => {
    const stream = new MetricStream(createDetector('seasonal'));
    values.slice(0, 800).forEach((v, i) => stream.push(i === 5 ? NaN : v, 1_000 * i));
    const copy = MetricStream.fromJSON(JSON.parse(JSON.stringify(stream.toJSON())));
    assert.deepEqual(copy.counts, stream.counts);
    assert.deepEqual(copy.push(1, 500), stream.push(1, 500)); // both reject the late timestamp
    assert.deepEqual(copy.push(values[800], 800_000), stream.push(values[800], 800_000));
  });

  it('same seed, same scores; another seed, other isolation-forest scores', () => {
    const a = feed(createDetector('iforest', { seed: 5 }), values.slice(0, 1200));
    const b = feed(createDetector('iforest', { seed: 5 }), values.slice(0, 1200));
    const c = feed(createDetector('iforest', { seed: 6 }), values.slice(0, 1200));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('refuses a state that does not describe a model, with PREDICT_BAD_STATE', () => {
    const state = createDetector('seasonal').toJSON();
    assert.throws(() => restoreDetector({ ...state, name: 'ewma' } as never), { code: 'PREDICT_BAD_STATE' });
    assert.throws(() => restoreDetector({ name: 'nonsense' } as never), { code: 'PREDICT_BAD_STATE' });
    assert.throws(() => restoreDetector(null as never), { code: 'PREDICT_BAD_STATE' });
  });
});
