/** Hysteresis: a down must hold; flapping is damped; disagreement escalates; a real failure is still acted on. */
import { strict as assert } from 'node:assert';
import { DEFAULT_HYSTERESIS, FailureDetector, HealthyFor, type RegionDecision, type RegionState } from '../../../src/quorum';

const d = (state: RegionState, extra: Partial<RegionDecision> = {}): RegionDecision => ({
  region: 'east',
  state,
  epoch: 0,
  up: state === 'up' ? 4 : 0,
  down: state === 'down' ? 4 : 0,
  silent: 0,
  quorum: 3,
  isolated: [],
  verdicts: [],
  lagBytes: null,
  ...extra,
});

describe('failure detector hysteresis', () => {
  it('confirms a down only after it held for confirmDown', () => {
    const det = new FailureDetector();
    assert.equal(det.observe(d('up'), 0), undefined);
    assert.equal(det.observe(d('down'), 10)?.type, 'suspect');
    assert.equal(det.observe(d('down'), 10 + DEFAULT_HYSTERESIS.confirmDownMs - 1), undefined);
    const event = det.observe(d('down'), 10 + DEFAULT_HYSTERESIS.confirmDownMs);
    assert.equal(event?.type, 'confirmed');
  });

  it('damps a flapping region: 100 ms outages never confirm, and each flap lengthens the wait', () => {
    const det = new FailureDetector();
    let t = 0;
    const required: number[] = [];
    for (let i = 0; i < 50; i++) {
      for (let k = 0; k <= 100; k += 10) assert.notEqual(det.observe(d('down'), t + k)?.type, 'confirmed', `flap ${i}`);
      t += 110;
      assert.equal(det.observe(d('up'), t)?.type, 'flap');
      required.push(det.requiredDownMs(t));
      t += 200;
    }
    assert.ok(required[1] > required[0] && required[10] > required[1], `required down grows: ${required.slice(0, 11).join(', ')}`);
    assert.equal(det.requiredDownMs(t), DEFAULT_HYSTERESIS.maxConfirmDownMs);
    // ...but a region that then really dies is still failed over, after at most maxConfirmDown.
    det.observe(d('down'), t);
    assert.equal(det.observe(d('down'), t + DEFAULT_HYSTERESIS.maxConfirmDownMs)?.type, 'confirmed');
  });

  it('losing the quorum in the middle of a down ends the episode', () => {
    const det = new FailureDetector();
    det.observe(d('down'), 0);
    assert.equal(det.observe(d('undecided', { up: 2, down: 2 }), 150)?.type, 'flap');
    det.observe(d('down'), 160);
    assert.equal(det.observe(d('down'), 300), undefined, 'the clock restarted at 160, and the penalty doubled the wait');
  });

  it('a hung region whose verdicts go stale, or f liars saying up, do not end a down (issue 13): only more than f "up" do', () => {
    const det = new FailureDetector();
    assert.equal(det.observe(d('down'), 0)?.type, 'suspect');
    assert.equal(det.observe(d('undecided', { down: 2, silent: 2 }), 120), undefined, 'probes at their timeout: stale, not recovered');
    assert.equal(det.observe(d('undecided', { down: 2, up: 1, silent: 1 }), 150), undefined, 'one (possibly lying) up is not f+1');
    assert.equal(det.observe(d('down'), DEFAULT_HYSTERESIS.confirmDownMs)?.type, 'confirmed', 'the hold counted from the first down, no penalty');
    assert.equal(det.flaps.length, 0);
  });

  it('escalates when observers disagree for escalateAfter, or when no quorum is possible', () => {
    const det = new FailureDetector();
    assert.equal(det.observe(d('undecided', { up: 2, down: 2 }), 0), undefined);
    const event = det.observe(d('undecided', { up: 2, down: 2 }), DEFAULT_HYSTERESIS.escalateAfterMs);
    assert.equal(event?.type, 'escalate');
    assert.match(event?.type === 'escalate' ? event.reason : '', /2 say down, 2 say up.*more than f/);
    assert.equal(det.observe(d('undecided'), DEFAULT_HYSTERESIS.escalateAfterMs + 100), undefined, 'once per episode');
    const det2 = new FailureDetector();
    const e2 = det2.observe(d('no-quorum', { isolated: ['o1', 'o2'] }), 0);
    assert.equal(e2?.type, 'escalate');
    assert.match(e2?.type === 'escalate' ? e2.reason : '', /o1, o2.*no quorum of 3/);
  });

  it('counts how long a region has been up by quorum', () => {
    const h = new HealthyFor();
    h.observe(d('up'), 100);
    h.observe(d('undecided'), 200);
    assert.equal(h.upForMs('east', 300), 200);
    h.observe(d('down'), 400);
    assert.equal(h.upForMs('east', 500), 0);
  });
});
