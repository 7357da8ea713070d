/**
 * One shape per state (inner-state.ts): what a state owns is reported while the breaker is in
 * it and gone once it leaves — an override's author, open's deadline, half-open's trials — and
 * the trip history lives exactly as long as the trips it counts.
 */
import { strict as assert } from 'node:assert';
import { CircuitBreaker, REJECTED } from '../../../src/resilience/breaker';
import { ManualClock } from '../../../src/resilience/clock';
import type { BreakerSnapshot } from '../../../src/resilience/snapshot';

const options = { minimumCalls: 2, window: { type: 'count' as const, size: 4 }, openDurationMs: 1000, halfOpenCalls: 2 };
const alice = { by: 'alice', reason: 'INC-7' };
const make = (clock: ManualClock) => new CircuitBreaker({ name: 'https://shapes.example.com', clock, options });
const trip = (b: CircuitBreaker) => {
  for (let i = 0; i < 2; i++) b.record(b.tryAcquire(), true, 1);
};

describe('resilience: one shape per breaker state', () => {
  it('an override forced over an open breaker keeps its trip history but not its deadline; reset drops both', () => {
    const clock = new ManualClock();
    const b = make(clock);
    trip(b);
    assert.equal(b.metrics().openUntil, clock.now() + 1000);
    b.force('open', alice);
    const forced = b.metrics();
    assert.equal(forced.openUntil, undefined, 'the deadline belonged to open');
    assert.equal(forced.consecutiveTrips, 1);
    assert.match(forced.lastTrip ?? '', /2 of the last 2 calls failed/);
    assert.deepEqual(forced.forcedBy, alice);
    b.reset();
    const after = b.metrics();
    assert.equal(after.state, 'closed');
    assert.equal(after.consecutiveTrips, 0);
    assert.equal(after.lastTrip, undefined);
    assert.equal(after.forcedBy, undefined);
    assert.equal(b.override, undefined);
  });

  it('half-open trials are reported only while half-open, and a new half-open starts with fresh permits', () => {
    const clock = new ManualClock();
    const b = make(clock);
    trip(b);
    clock.advance(1000);
    assert.notEqual(b.tryAcquire(), REJECTED);
    assert.deepEqual(b.metrics().halfOpen, { admitted: 1, done: 0, failures: 0, slowCalls: 0 });
    const ticket = b.tryAcquire();
    b.record(ticket, true, 1); // 1 of 2 trials failed: open again, for twice as long
    assert.equal(b.state, 'open');
    assert.deepEqual(b.metrics().halfOpen, { admitted: 0, done: 0, failures: 0, slowCalls: 0 });
    assert.equal(b.metrics().consecutiveTrips, 2);
    clock.advance(2000);
    assert.equal(b.state, 'half-open');
    assert.notEqual(b.tryAcquire(), REJECTED);
    assert.notEqual(b.tryAcquire(), REJECTED, 'both permits are free again');
    assert.equal(b.tryAcquire(), REJECTED);
  });

  it('a restored snapshot brings back only the fields its state owns', () => {
    const clock = new ManualClock();
    const saved = make(clock).toJSON();
    const stray: BreakerSnapshot = { ...saved, state: 'closed', consecutiveTrips: 3, lastTrip: 'old', openUntil: clock.now() + 5000, forcedBy: alice };
    const back = new CircuitBreaker({ name: saved.name, clock, options, restore: stray });
    const m = back.metrics();
    assert.equal(m.state, 'closed');
    assert.equal(m.consecutiveTrips, 0);
    assert.equal(m.lastTrip, undefined);
    assert.equal(m.openUntil, undefined);
    assert.equal(back.override, undefined);
    trip(back);
    assert.equal(back.metrics().openUntil, clock.now() + 1000, 'a first trip: no backoff carried over');
  });
});
