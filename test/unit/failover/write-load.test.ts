import * as assert from 'node:assert/strict';
import { WriteLoad } from '../../../src/failover';

/** The RTO arithmetic on hand-made acknowledgements (no server: `acks` is the recorded list). */
function loadWith(ats: number[]): WriteLoad {
  const load = new WriteLoad({ url: 'http://127.0.0.1:9' });
  ats.forEach((at, i) => load.acks.push({ seq: i + 1, at, region: 'r' }));
  return load;
}

describe('WriteLoad.gapAround: the write RTO around a fault', () => {
  it('is the stall from the last acknowledgement before the fault to the first after', () => {
    assert.deepEqual(loadWith([100, 105, 110, 2_110, 2_115]).gapAround(112).gapMs, 2_000);
  });

  it('does not end at a write the dying primary acknowledged just after the fault (in flight when it struck)', () => {
    const gap = loadWith([100, 105, 110, 118, 19_800, 19_805]).gapAround(112);
    assert.equal(gap.gapMs, 19_682);
    assert.equal(gap.lastBefore?.at, 118);
    assert.equal(gap.firstAfter?.at, 19_800);
  });

  it('has no gap while nothing was acknowledged after the fault', () => {
    const gap = loadWith([100, 105]).gapAround(200);
    assert.equal(gap.gapMs, undefined);
    assert.equal(gap.lastBefore?.at, 105);
  });
});
