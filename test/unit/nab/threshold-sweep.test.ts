/** Threshold choice as NAB optimizes it, and the cooldown rule that turns scores into alerts. */
import { strict as assert } from 'node:assert';
import { NAB_PROFILES } from '../../../src/nab/profiles';
import { FileScorer } from '../../../src/nab/scorer';
import { candidateThresholds, scoreAt, sweep } from '../../../src/nab/threshold-sweep';
import { detections } from '../../../src/predict/alerts';

const [standard] = NAB_PROFILES;

describe('alerts and threshold sweep', () => {
  it('an alert fires at the threshold and re-arms after `cooldown` values below it', () => {
    const scores = [0, 0.5, 0.6, 0.5, 0, 0.49, 0.7, 0.9, 0, 0, 0, 0.8];
    // Without a cooldown every value at or above the threshold is an alert.
    assert.deepEqual(detections(scores, { threshold: 0.5 }), [1, 2, 3, 6, 7, 11]);
    // Two quiet values (4, 5) re-arm a cooldown of 2, not one of 3; three (8-10) re-arm both.
    assert.deepEqual(detections(scores, { threshold: 0.5, cooldown: 2 }), [1, 6, 11]);
    assert.deepEqual(detections(scores, { threshold: 0.5, cooldown: 3 }), [1, 11]);
    assert.deepEqual(detections(scores, { threshold: 0.95 }), []);
    // A false alarm does not hide a later incident once it has been quiet long enough.
    assert.deepEqual(detections([0.9, 0, 0, 0, 0, 0.9], { threshold: 0.5, cooldown: 4 }), [0, 5]);
  });

  it('chooses the threshold that maximizes the summed score: the window hit, the noise below it', () => {
    // 1000 rows (probation 150), one window 500..519. Noise peaks at 0.4; the anomaly at 0.8 inside the window.
    const scores = new Float64Array(1000).map((_, i) => (i % 97 === 0 ? 0.4 : 0.1));
    scores[505] = 0.8;
    const files = [{ scorer: new FileScorer(1000, [{ start: 500, end: 519 }]), scores }];
    assert.deepEqual(candidateThresholds(files), [0.1, 0.4, 0.8]);
    const best = sweep(files, standard, [0]);
    // Halfway between the winning score (0.8) and the next lower one (0.4): the same detections, with room on both sides.
    assert.ok(Math.abs(best.threshold - 0.6) < 1e-12);
    assert.equal(best.score.truePositives, 1);
    assert.equal(best.score.falsePositives, 0);
    // Lower thresholds pay for the noise.
    assert.ok(scoreAt(files, standard, 0.4, 0).raw < best.score.raw);
  });

  it('picks the cooldown that removes repeated alerts of one incident', () => {
    // A burst of 30 high rows just after the window: each row is a false positive without a cooldown.
    const scores = new Float64Array(1000);
    for (let i = 520; i < 550; i++) scores[i] = 0.9;
    scores[502] = 0.9;
    const files = [{ scorer: new FileScorer(1000, [{ start: 500, end: 519 }]), scores }];
    const best = sweep(files, standard, [0, 100]);
    assert.equal(best.cooldown, 100);
    assert.equal(best.score.falsePositives, 0);
  });
});
