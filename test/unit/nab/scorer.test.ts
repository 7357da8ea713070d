/**
 * NAB's scoring rules on hand-computed cases. Numbers in comments are worked out by hand
 * from σ(y) = 2/(1+e^{5y}) - 1 (so σ(-y) = tanh(5y/2)).
 */
import { strict as assert } from 'node:assert';
import { corpusScore } from '../../../src/nab/corpus-score';
import { NAB_PROFILES, parseProfiles, type CostProfile } from '../../../src/nab/profiles';
import { FileScorer, probationaryLength, scaledSigmoid } from '../../../src/nab/scorer';

const [standard, lowFp, lowFn] = NAB_PROFILES;
const close = (actual: number, expected: number, what = '') => assert.ok(Math.abs(actual - expected) < 1e-9, `${what} ${actual} ≠ ${expected}`);

/** 1000 rows: probation 150; windows of width 10 at 400..409 and 700..709. */
const twoWindows = () =>
  new FileScorer(1000, [
    { start: 400, end: 409 },
    { start: 700, end: 709 },
  ]);

describe('NAB scorer', () => {
  it('has the published profiles built in', () => {
    assert.deepEqual(
      NAB_PROFILES.map((p) => [p.name, p.tp, p.fp, p.fn]),
      [
        ['standard', 1, 0.11, 1],
        ['reward_low_FP_rate', 1, 0.22, 1],
        ['reward_low_FN_rate', 1, 0.11, 2],
      ],
    );
  });

  it('reads config/profiles.json, ignoring tnWeight, and rejects a bad weight', () => {
    const parsed = parseProfiles({ custom: { CostMatrix: { tpWeight: 2, fpWeight: 0.5, fnWeight: 3, tnWeight: 1 } } });
    assert.deepEqual(parsed, [{ name: 'custom', tp: 2, fp: 0.5, fn: 3 }]);
    assert.throws(() => parseProfiles({ bad: { CostMatrix: { tpWeight: 1, fpWeight: 'x', fnWeight: 1 } } }), /bad\.CostMatrix\.fpWeight/);
  });

  it('probationary period is min(floor(0.15·N), 750)', () => {
    assert.equal(probationaryLength(7), 1);
    assert.equal(probationaryLength(1000), 150);
    assert.equal(probationaryLength(4032), 604);
    assert.equal(probationaryLength(5000), 750);
    assert.equal(probationaryLength(22695), 750);
  });

  it('scaled sigmoid: 0 at 0, ±tanh(2.5) at ∓1, exactly -1 beyond y = 3', () => {
    close(scaledSigmoid(0), 0);
    close(scaledSigmoid(-1), Math.tanh(2.5));
    close(scaledSigmoid(1), -Math.tanh(2.5));
    assert.equal(scaledSigmoid(3.0001), -1);
    close(scaledSigmoid(3), -Math.tanh(7.5));
  });

  it('a perfect detector (each window at its left edge) scores 100 under every profile', () => {
    const scorer = twoWindows();
    for (const profile of NAB_PROFILES) {
      const file = scorer.score([400, 700], profile);
      close(file.score, 2 * profile.tp, profile.name);
      close(corpusScore([file], profile).normalized as number, 100, profile.name);
    }
  });

  it('the null detector (never fires) scores 0 under every profile', () => {
    for (const profile of NAB_PROFILES) {
      const file = twoWindows().score([], profile);
      close(file.score, -2 * profile.fn);
      assert.equal(corpusScore([file], profile).normalized, 0);
    }
  });

  it("a detection at a window's left edge earns A_TP; at its right edge A_TP·σ(-1/w)/σ(-1)", () => {
    const scorer = twoWindows();
    const left = scorer.score([400], standard);
    close(left.tpScore, 1);
    // Width 10: the last row sits at y = -1/10; σ(-0.1) = tanh(0.25) = 0.244918662; / tanh(2.5) = 0.986614298.
    const right = scorer.score([409], standard);
    close(right.tpScore, 0.244918662403709 / 0.98661429815143, 'right edge');
    // Middle row 404: y = -(409-404+1)/10 = -0.6; tanh(1.5) = 0.905148254 → 0.917431...
    close(scorer.score([404], standard).tpScore, 0.905148253644866 / 0.98661429815143, 'middle');
    assert.ok(left.tpScore > scorer.score([404], standard).tpScore && scorer.score([404], standard).tpScore > right.tpScore);
  });

  it('only the earliest detection in a window counts', () => {
    const scorer = twoWindows();
    const both = scorer.score([409, 402, 405], standard);
    close(both.tpScore, scorer.score([402], standard).tpScore);
    assert.equal(both.truePositives, 1);
    assert.equal(both.falsePositives, 0);
    assert.deepEqual(both.firstDetections, [402, null]);
  });

  it('a false positive before the first window costs exactly A_FP', () => {
    const scorer = twoWindows();
    close(scorer.score([200], standard).fpScore, -0.11);
    close(scorer.score([200], lowFp).fpScore, -0.22);
    close(scorer.score([200, 300, 399], standard).fpScore, -0.33);
  });

  it('a false positive after a window costs A_FP·σ((i - end)/(w - 1)): cheap just after, full far away', () => {
    const scorer = twoWindows();
    // i = 410: y = 1/9, σ = -tanh(5/18) = -0.270963
    close(scorer.score([410], standard).fpScore, -0.11 * Math.tanh(5 / 18), 'just after');
    // i = 418: y = 1, σ = -tanh(2.5)
    close(scorer.score([418], standard).fpScore, -0.11 * Math.tanh(2.5), 'one width after');
    // i = 500: y = 91/9 > 3 → exactly -A_FP
    close(scorer.score([500], standard).fpScore, -0.11, 'far after');
    // Between the windows the preceding one counts; after the second, the second does.
    close(scorer.score([710], lowFn).fpScore, -0.11 * Math.tanh(5 / 18), 'after the second');
    assert.ok(scorer.score([410], standard).fpScore > scorer.score([412], standard).fpScore);
  });

  it('a missed window costs A_FN, doubled in reward_low_FN_rate', () => {
    close(twoWindows().score([400], standard).fnScore, -1);
    close(twoWindows().score([400], lowFn).fnScore, -2);
  });

  it('ignores detections in the probationary period, and windows wholly inside it', () => {
    // 1000 rows, probation 150: window 100..120 is inside it, 140..160 straddles it.
    const scorer = new FileScorer(1000, [
      { start: 100, end: 120 },
      { start: 140, end: 160 },
    ]);
    assert.equal(scorer.windowCount, 1);
    const early = scorer.score([10, 100, 145], standard);
    assert.equal(early.falsePositives, 0);
    assert.equal(early.truePositives, 0);
    close(early.score, -1);
    // Row 150 is the first scored row; it sits at y = -(160-150+1)/21 in the straddling window.
    close(scorer.score([150], standard).tpScore, Math.tanh((5 * 11) / 42) / Math.tanh(2.5));
  });

  it('normalizes the corpus total: 100·(S - S_null)/(S_perfect - S_null)', () => {
    const scorer = twoWindows();
    // One window at its left edge (+1), one missed (-1): S = 0, S_null = -2, S_perfect = 2 → 50.
    const half = corpusScore([scorer.score([400], standard)], standard);
    close(half.normalized as number, 50);
    // Files add up before normalizing.
    const total = corpusScore([scorer.score([400, 700], standard), scorer.score([], standard)], standard);
    close(total.normalized as number, 50);
    assert.equal(total.windows, 4);
  });

  it('a corpus with no windows has no normalized score, and every detection costs A_FP', () => {
    // 500 rows, probation 75: all three detections count, each "before the first window".
    const file = new FileScorer(500, []).score([100, 200, 300], standard);
    close(file.score, -0.33);
    assert.equal(file.falsePositives, 3);
    assert.equal(corpusScore([file], standard).normalized, null);
  });

  it('rejects overlapping or out-of-range windows with NAB_BAD_WINDOWS', () => {
    assert.throws(
      () =>
        new FileScorer(100, [
          { start: 10, end: 20 },
          { start: 20, end: 30 },
        ]),
      { code: 'NAB_BAD_WINDOWS' },
    );
    assert.throws(() => new FileScorer(100, [{ start: 90, end: 100 }]), { code: 'NAB_BAD_WINDOWS' });
  });

  it('rejects detection rows outside the file', () => {
    const custom: CostProfile = { name: 'c', tp: 1, fp: 1, fn: 1 };
    assert.throws(() => twoWindows().score([1000], custom), RangeError);
  });
});
