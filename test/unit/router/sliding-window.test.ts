/** Per-second slots: windows sum the right seconds, old seconds drop out, memory stays fixed. */
import { strict as assert } from 'node:assert';
import { ERROR_INDEX, NO_ERROR, SlidingWindow, WINDOW_SLOTS } from '../../../src/router/sliding-window';

describe('router sliding window', () => {
  const t0 = 1_800_000_000;

  it('counts requests, errors by kind and status classes over the last N seconds', () => {
    const w = new SlidingWindow();
    for (let s = 0; s < 30; s++) {
      for (let i = 0; i < 10; i++) w.record(t0 + s, 1000 * (i + 1), i === 0 ? 503 : 200, i === 0 ? ERROR_INDEX.status5xx : NO_ERROR);
    }
    w.record(t0 + 29, 5_000_000, 0, ERROR_INDEX.timeout);
    const last10 = w.snapshot(t0 + 29, 10);
    assert.equal(last10.requests, 101);
    assert.equal(last10.errors, 11);
    assert.equal(last10.errorsByKind.status5xx, 10);
    assert.equal(last10.errorsByKind.timeout, 1);
    assert.equal(last10.statusClasses['2xx'], 90);
    assert.equal(last10.statusClasses.none, 1);
    assert.equal(last10.series.length, 10);
    assert.equal(last10.histogram.maxUs, 5_000_000);
    const last60 = w.snapshot(t0 + 29, 60);
    assert.equal(last60.requests, 301);
  });

  it('forgets seconds that left the window, even when their slot is reused', () => {
    const w = new SlidingWindow();
    w.record(t0, 1000, 200, NO_ERROR);
    assert.equal(w.snapshot(t0 + 9, 10).requests, 1);
    assert.equal(w.snapshot(t0 + 10, 10).requests, 0);
    // Same slot, one full turn later: the old second is wiped on write.
    w.record(t0 + WINDOW_SLOTS, 2000, 500, ERROR_INDEX.status5xx);
    const s = w.snapshot(t0 + WINDOW_SLOTS, 60);
    assert.equal(s.requests, 1);
    assert.equal(s.errors, 1);
    assert.equal(s.histogram.maxUs, 2000);
  });

  it('clamps the window to 1..60 seconds', () => {
    const w = new SlidingWindow();
    w.record(t0, 1000, 200, NO_ERROR);
    assert.equal(w.snapshot(t0, 0).seconds, 1);
    assert.equal(w.snapshot(t0, 600).seconds, 60);
  });
});
