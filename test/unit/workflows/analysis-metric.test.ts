/** The analysis bookkeeping in Argo Rollouts' terms: outcomes of one measurement and when a metric is decided. */
import { strict as assert } from 'node:assert';
import { MetricTally, overallVerdict } from '../../../workflows/analysis-metric';

describe('analysis metric tally', () => {
  it('classifies a measurement: failure wins; a false success condition fails unless a failure condition decides', () => {
    assert.equal(MetricTally.outcome(true, true), 'failed');
    assert.equal(MetricTally.outcome(true, undefined), 'successful');
    assert.equal(MetricTally.outcome(false, undefined), 'failed');
    assert.equal(MetricTally.outcome(false, false), 'inconclusive');
    assert.equal(MetricTally.outcome(undefined, false), 'successful');
    assert.equal(MetricTally.outcome(undefined, undefined), 'inconclusive');
  });

  it('fails past failureLimit, errors past consecutiveErrorLimit, and a success resets the error run', () => {
    const t = new MetricTally({ name: 'e', query: 'q', failureLimit: 1, consecutiveErrorLimit: 2 });
    const at = '2026-01-01T00:00:00Z';
    t.add({ at, outcome: 'failed', value: 1 });
    assert.equal(t.verdict(), undefined, 'one failure is within failureLimit 1');
    for (let i = 0; i < 2; i++) t.add({ at, outcome: 'error', error: 'down' });
    t.add({ at, outcome: 'successful', value: 0 });
    t.add({ at, outcome: 'error', error: 'down' });
    t.add({ at, outcome: 'error', error: 'down' });
    assert.equal(t.verdict(), undefined, 'two errors in a row are within the limit of 2');
    t.add({ at, outcome: 'error', error: 'down' });
    assert.equal(t.verdict(), 'Error');
    t.add({ at, outcome: 'failed', value: 1 });
    assert.equal(t.verdict(), 'Failed', 'a failure outranks errors');
  });

  it('keeps the last 30 measurements but counts them all', () => {
    const t = new MetricTally({ name: 'e', query: 'q', inconclusiveLimit: 1000 });
    for (let i = 0; i < 100; i++) t.add({ at: String(i), outcome: 'inconclusive', value: null });
    const report = t.report() as { inconclusive: number; measurements: { at: string }[] };
    assert.equal(report.inconclusive, 100);
    assert.equal(report.measurements.length, 30);
    assert.equal(report.measurements[0].at, '70');
  });

  it('an analysis fails if any metric failed, then errors, then inconclusive', () => {
    assert.equal(overallVerdict([undefined, 'Inconclusive', 'Error', 'Failed']), 'Failed');
    assert.equal(overallVerdict(['Inconclusive', 'Error']), 'Error');
    assert.equal(overallVerdict([undefined, 'Inconclusive']), 'Inconclusive');
    assert.equal(overallVerdict([undefined, undefined]), 'Successful');
  });
});
