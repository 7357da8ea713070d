/** A breaker's state survives JSON: same state, same window, same open-until, same override. */
import { strict as assert } from 'node:assert';
import { CircuitBreaker, REJECTED } from '../../../src/resilience/breaker';
import { ManualClock } from '../../../src/resilience/clock';
import type { BreakerOptions } from '../../../src/resilience/options';
import { isBreakerSnapshot } from '../../../src/resilience/snapshot';

const options: Partial<BreakerOptions> = { minimumCalls: 3, window: { type: 'count', size: 5 }, openDurationMs: 1000, halfOpenCalls: 1 };
const fail = (b: CircuitBreaker, n: number) => {
  for (let i = 0; i < n; i++) b.record(b.tryAcquire(), true, 1);
};
function roundTrip(b: CircuitBreaker, clock: ManualClock, opts = options): CircuitBreaker {
  const json = JSON.parse(JSON.stringify(b));
  assert.ok(isBreakerSnapshot(json), 'toJSON produces a valid snapshot');
  return new CircuitBreaker({ name: json.name, clock, options: opts, restore: json });
}

describe('resilience: snapshots', () => {
  it('closed: the window comes back, so the next failure trips as it would have', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'a', clock, options });
    b.record(b.tryAcquire(), false, 1);
    fail(b, 1);
    const back = roundTrip(b, clock);
    assert.equal(back.state, 'closed');
    assert.deepEqual(back.metrics().window, b.metrics().window);
    fail(back, 1);
    assert.equal(back.state, 'open', '2 of 3 failed');
  });

  it('open: rejects until the same moment, then half-open', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'b', clock, options });
    fail(b, 3);
    clock.advance(400);
    const back = roundTrip(b, clock);
    assert.equal(back.state, 'open');
    assert.equal(back.tryAcquire(), REJECTED);
    assert.equal(back.metrics().openUntil, b.metrics().openUntil);
    assert.match(back.rejection().message, /in 600ms/);
    clock.advance(600);
    assert.notEqual(back.tryAcquire(), REJECTED);
    assert.equal(back.state, 'half-open');
  });

  it('keeps the backoff: the next trip of a restored breaker lasts longer', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'c', clock, options });
    fail(b, 3);
    clock.advance(1000);
    fail(b, 1); // trial fails: second trip, 2000 ms
    const back = roundTrip(b, clock);
    assert.equal(back.metrics().consecutiveTrips, 2);
    clock.advance(2000);
    fail(back, 1);
    assert.equal(back.metrics().openUntil! - clock.now(), 4000);
  });

  it('half-open comes back half-open with its permits free', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'd', clock, options });
    fail(b, 3);
    clock.advance(1000);
    b.tryAcquire(); // a trial in flight in the old process
    const back = roundTrip(b, clock);
    assert.equal(back.state, 'half-open');
    assert.notEqual(back.tryAcquire(), REJECTED);
  });

  it('forced states come back with who and why; a time window round-trips too', () => {
    const clock = new ManualClock();
    const timeOptions: Partial<BreakerOptions> = { ...options, window: { type: 'time', size: 30 } };
    const b = new CircuitBreaker({ name: 'e', clock, options: timeOptions });
    b.force('open', { by: 'alice', reason: 'maintenance' });
    b.record(b.tryAcquire(), true, 1);
    const back = roundTrip(b, clock, timeOptions);
    assert.equal(back.state, 'forced-open');
    assert.deepEqual(back.override, { by: 'alice', reason: 'maintenance' });
    assert.equal(back.toJSON().window.kind, 'time');
  });

  it('a window of another shape is not restored (the breaker starts with an empty one)', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'f', clock, options });
    fail(b, 2);
    const back = roundTrip(b, clock, { ...options, window: { type: 'count', size: 50 } });
    assert.equal(back.metrics().window.calls, 0);
  });

  it('rejects what is not a snapshot', () => {
    assert.equal(isBreakerSnapshot({ version: 2 }), false);
    assert.equal(isBreakerSnapshot({ version: 1, name: 'x', state: 'sideways', consecutiveTrips: 0, window: { kind: 'count', outcomes: [] } }), false);
    assert.equal(isBreakerSnapshot(null), false);
  });
});
