/**
 * The Kayenta-style judge: per-metric classification (significance AND effect size, in the
 * metric's bad direction), NoData never passing, the weighted score, critical metrics, and
 * the verdict thresholds — on samples whose statistics are worked out by hand.
 */
import { strict as assert } from 'node:assert';
import { judge, judgeMetric, type MetricInput } from '../../../src/analysis/judge';

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
// 10 vs 10 fully separated: exact two-sided p = 2 / C(20,10) = 1.0825e-5 < α = 0.02.
const BASE = range(10, 10); // median 14.5
const SLOWER = range(20, 10); // median 24.5: +68.97%

describe('judge (Kayenta-style)', () => {
  it('a significant rise beyond the tolerance in the bad direction is High, with every number', () => {
    const m = judgeMetric({ name: 'latency', baseline: BASE, canary: SLOWER }, 0.02, 3);
    assert.equal(m.classification, 'High');
    assert.equal(m.passed, false);
    assert.equal(m.baseline.median, 14.5);
    assert.equal(m.canary.median, 24.5);
    assert.equal(m.absoluteChange, 10);
    assert.ok(Math.abs(m.relativeChange! - 10 / 14.5) < 1e-9);
    assert.equal(m.shift, 'higher');
    assert.equal(m.significant, true);
    assert.equal(m.withinTolerance, false);
    assert.equal(m.test!.method, 'exact');
    assert.equal(m.test!.uCanary, 100);
    assert.equal(m.test!.u, 0);
    assert.ok(Math.abs(m.test!.pValue - 2 / 184756) < 1e-9);
    assert.match(m.reason, /beyond the tolerance 10%/);
  });

  it('a significant but small change passes (effect-size tolerance)', () => {
    // Medians 104.5 → 114.5 is +9.57%: fully separated (p = 1.08e-5), but within 10%.
    const m = judgeMetric({ name: 'latency', baseline: range(100, 10), canary: range(110, 10) }, 0.02, 3);
    assert.equal(m.significant, true);
    assert.equal(m.withinTolerance, true);
    assert.equal(m.classification, 'Pass');
    assert.match(m.reason, /significant but small/);
    // The same data with a 5% tolerance fails.
    assert.equal(judgeMetric({ name: 'latency', baseline: range(100, 10), canary: range(110, 10), tolerance: 0.05 }, 0.02, 3).classification, 'High');
  });

  it('direction: a rise passes a decrease-is-bad metric, fails an either metric; a fall fails a decrease metric as Low', () => {
    assert.equal(judgeMetric({ name: 'rps', baseline: BASE, canary: SLOWER, direction: 'decrease' }, 0.02, 3).classification, 'Pass');
    assert.equal(judgeMetric({ name: 'x', baseline: BASE, canary: SLOWER, direction: 'either' }, 0.02, 3).classification, 'High');
    const low = judgeMetric({ name: 'rps', baseline: SLOWER, canary: BASE, direction: 'decrease' }, 0.02, 3);
    assert.equal(low.classification, 'Low');
    assert.equal(low.shift, 'lower');
    assert.equal(judgeMetric({ name: 'latency', baseline: SLOWER, canary: BASE }, 0.02, 3).classification, 'Pass', 'faster is not bad for latency');
  });

  it('no significant difference passes even with a large median change', () => {
    // 3 vs 3 cannot reach p < 0.02: the smallest exact two-sided p is 2/20 = 0.1.
    const m = judgeMetric({ name: 'latency', baseline: [1, 2, 3], canary: [40, 50, 60] }, 0.02, 3);
    assert.equal(m.significant, false);
    assert.equal(m.test!.pValue, 0.1);
    assert.equal(m.classification, 'Pass');
  });

  it('a zero baseline: the relative change is null, an absolute tolerance decides', () => {
    // Six zeros (one tie group, Σt³−t = 210) vs six distinct rates: U_canary = 36, variance = 3·(13 − 210/132) = 34.227,
    // z = (18 − 0.5)/5.8504 = 2.991 → p = 0.00278 < 0.02.
    const errors: MetricInput = { name: 'errorRate', baseline: [0, 0, 0, 0, 0, 0], canary: [0.2, 0.21, 0.19, 0.22, 0.18, 0.23], absoluteTolerance: 0.01 };
    const m = judgeMetric(errors, 0.02, 3);
    assert.equal(m.relativeChange, null);
    assert.ok(Math.abs(m.test!.pValue - 0.00278) < 1e-4, `p ${m.test!.pValue}`);
    assert.equal(m.classification, 'High');
    assert.equal(judgeMetric({ ...errors, absoluteTolerance: 0.25 }, 0.02, 3).classification, 'Pass');
  });

  it('fewer than minSamples on either side is NoData, which never passes; NaN and null are not samples', () => {
    const m = judgeMetric({ name: 'latency', baseline: [1, 2, 3], canary: [1, NaN, null as unknown as number] }, 0.02, 3);
    assert.equal(m.classification, 'NoData');
    assert.equal(m.passed, false);
    assert.equal(m.canary.count, 1);
    assert.equal(m.test, null);
    assert.match(m.reason, /at least 3/);
  });

  it('score is the weighted share of passing metrics; the verdict follows pass and marginal', () => {
    const pass = { baseline: BASE, canary: BASE };
    const fail = { baseline: BASE, canary: SLOWER };
    const ok = judge([
      { name: 'a', ...pass },
      { name: 'b', ...pass },
    ]);
    assert.equal(ok.score, 100);
    assert.equal(ok.verdict, 'Successful');
    // Weights 3 pass : 1 fail → 75: marginal (default thresholds pass 95, marginal 75).
    const marginal = judge([
      { name: 'a', ...pass, weight: 3 },
      { name: 'b', ...fail, weight: 1 },
    ]);
    assert.equal(marginal.score, 75);
    assert.equal(marginal.verdict, 'Inconclusive');
    assert.deepEqual(marginal.counts, { Pass: 1, High: 1, Low: 0, NoData: 0 });
    // 1 : 1 → 50 < 75.
    assert.equal(
      judge([
        { name: 'a', ...pass },
        { name: 'b', ...fail },
      ]).verdict,
      'Failed',
    );
    // Custom thresholds: 50 passes when pass is 50.
    assert.equal(
      judge(
        [
          { name: 'a', ...pass },
          { name: 'b', ...fail },
        ],
        { pass: 50, marginal: 25 },
      ).verdict,
      'Successful',
    );
  });

  it('a failing critical metric fails the judgement whatever the score; an unmeasured critical one is inconclusive', () => {
    const metrics: MetricInput[] = [
      ...range(0, 19).map((i) => ({ name: `ok${i}`, baseline: BASE, canary: BASE })),
      { name: 'errors', baseline: BASE, canary: SLOWER, critical: true },
    ];
    const j = judge(metrics);
    assert.equal(j.score, 95);
    assert.equal(j.verdict, 'Failed');
    assert.match(j.reason, /critical metric errors is High/);
    const nodata = judge([
      { name: 'a', baseline: BASE, canary: BASE },
      { name: 'errors', baseline: [], canary: [], critical: true, weight: 0 },
    ]);
    assert.equal(nodata.score, 100);
    assert.equal(nodata.verdict, 'Inconclusive');
  });

  it('no traffic at all is Inconclusive, never Successful', () => {
    const j = judge([
      { name: 'latency', baseline: [], canary: [] },
      { name: 'errors', baseline: [0], canary: [] },
    ]);
    assert.equal(j.score, 0);
    assert.equal(j.noDataWeightShare, 1);
    assert.equal(j.verdict, 'Inconclusive');
    assert.match(j.reason, /no data/);
  });

  it('refuses bad options and inputs with a message saying what to fix', () => {
    assert.throws(() => judge([]), /at least one metric/);
    assert.throws(() => judge([{ name: 'a', baseline: BASE, canary: BASE }], { confidence: 98 }), /between 0 and 1/);
    assert.throws(() => judge([{ name: 'a', baseline: BASE, canary: BASE }], { pass: 50, marginal: 80 }), /marginal ≤ pass/);
    assert.throws(
      () =>
        judge([
          { name: 'a', baseline: BASE, canary: BASE },
          { name: 'a', baseline: BASE, canary: BASE },
        ]),
      /given twice/,
    );
    assert.throws(() => judge([{ name: 'a', baseline: BASE, canary: BASE, tolerance: -1 }]), /tolerance/);
  });
});
