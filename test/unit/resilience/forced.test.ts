/** The states operators force: forced-open, forced-closed, disabled — and reset back to automatic. */
import { strict as assert } from 'node:assert';
import { CircuitBreaker, REJECTED } from '../../../src/resilience/breaker';
import { ManualClock } from '../../../src/resilience/clock';
import { BreakerOpenError } from '../../../src/resilience/errors';

const boom = async () => {
  throw new Error('boom');
};
const make = (clock = new ManualClock()) =>
  new CircuitBreaker({ name: 'https://pay.example.com', clock, options: { minimumCalls: 2, window: { type: 'count', size: 4 } } });
const alice = { by: 'alice', reason: 'provider incident INC-42', at: '2026-01-01T00:00:00.000Z' };

describe('resilience: forced states', () => {
  it('forced-open rejects every call, saying who and why, with no time it closes by itself', async () => {
    const clock = new ManualClock();
    const b = make(clock);
    b.force('open', alice);
    assert.equal(b.state, 'forced-open');
    const error = await b.execute(async () => 1).catch((e: unknown) => e);
    assert.ok(error instanceof BreakerOpenError);
    assert.equal(error.rejection.state, 'forced-open');
    assert.equal(error.rejection.until, undefined);
    assert.deepEqual(error.rejection.forced, alice);
    assert.match(error.message, /forced open by alice \(provider incident INC-42\).*genie breaker reset https:\/\/pay\.example\.com/);
    clock.advance(86_400_000);
    assert.equal(b.tryAcquire(), REJECTED, 'no open duration applies');
  });

  it('forced-closed lets every call through and never trips, but still counts', async () => {
    const b = make();
    b.force('closed', alice);
    for (let i = 0; i < 10; i++) await b.execute(boom).catch(() => undefined);
    assert.equal(b.state, 'forced-closed');
    assert.equal(b.metrics().window.failures, 4);
    assert.equal(b.totals.failures, 10);
    assert.deepEqual(b.override, alice);
  });

  it('disabled lets every call through and counts nothing', async () => {
    const b = make();
    b.force('disabled', alice);
    for (let i = 0; i < 10; i++) await b.execute(boom).catch(() => undefined);
    const t = b.tryAcquire();
    b.record(t, true, 1);
    assert.equal(b.state, 'disabled');
    assert.equal(b.totals.calls, 0);
    assert.equal(b.metrics().window.calls, 0);
  });

  it('an operator can force a tripped breaker closed, and reset returns to automatic with a clean slate', async () => {
    const b = make();
    for (let i = 0; i < 2; i++) await b.execute(boom).catch(() => undefined);
    assert.equal(b.state, 'open');
    b.force('closed', alice);
    assert.equal(await b.execute(async () => 'through'), 'through');
    b.reset({ by: 'bob', reason: 'recovered' });
    assert.equal(b.state, 'closed');
    assert.equal(b.override, undefined);
    const m = b.metrics();
    assert.equal(m.window.calls, 0);
    assert.equal(m.consecutiveTrips, 0);
    await b.execute(boom).catch(() => undefined);
    assert.equal(b.state, 'closed', 'one failure after a reset is below the minimum again');
  });

  it('reports forcing and resetting as state changes with who and why', () => {
    const b = make();
    const reasons: string[] = [];
    b.onStateChange((c) => reasons.push(`${c.to}: ${c.reason}`));
    b.force('open', alice);
    b.reset({ by: 'bob', reason: 'recovered' });
    assert.deepEqual(reasons, ['forced-open: forced open by alice (provider incident INC-42)', 'closed: reset by bob (recovered)']);
  });
});
