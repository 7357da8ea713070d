/** Every automatic transition of a breaker, driven by a manual clock. */
import { strict as assert } from 'node:assert';
import { CircuitBreaker, REJECTED } from '../../../src/resilience/breaker';
import { ManualClock } from '../../../src/resilience/clock';
import { BreakerOpenError } from '../../../src/resilience/errors';
import type { BreakerOptions } from '../../../src/resilience/options';
import type { Rejection, StateChange } from '../../../src/resilience/states';

const NAME = 'https://api.example.com';
const ok = async () => 'ok';
const boom = async () => {
  throw new Error('boom');
};

function breaker(options: Partial<BreakerOptions> = {}, clock = new ManualClock()) {
  const b = new CircuitBreaker({
    name: NAME,
    clock,
    options: { minimumCalls: 4, window: { type: 'count', size: 10 }, halfOpenCalls: 2, openDurationMs: 1000, ...options },
  });
  return { b, clock };
}
async function calls(b: CircuitBreaker, fn: () => Promise<unknown>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await b.execute(fn).catch(() => undefined);
}
/** Records one outcome through the low-level API, as the HTTP client does. */
function outcome(b: CircuitBreaker, failed: boolean, durationMs = 1): number {
  const t = b.tryAcquire();
  if (t !== REJECTED) b.record(t, failed, durationMs);
  return t;
}

describe('resilience: breaker transitions', () => {
  it('stays closed below the minimum number of calls, whatever fails', async () => {
    const { b } = breaker();
    await calls(b, boom, 3);
    assert.equal(b.state, 'closed');
    await calls(b, boom, 1);
    assert.equal(b.state, 'open');
  });

  it('closed → open when the failure rate reaches the threshold, not before', async () => {
    const { b } = breaker({ failureRateThreshold: 0.5 });
    await calls(b, ok, 5);
    await calls(b, boom, 4);
    assert.equal(b.state, 'closed', '4 of 9 is below 50%');
    await calls(b, boom, 1);
    assert.equal(b.state, 'open', '5 of 10 is 50%');
    assert.match(b.metrics().lastTrip!, /5 of the last 10 calls failed \(threshold 50%\)/);
  });

  it('closed → open on the slow-call rate, even when every call succeeds', () => {
    const { b } = breaker({ slowCallDurationMs: 2000, slowCallRateThreshold: 0.75 });
    for (const ms of [2500, 10, 2000, 10, 3000, 3000, 3000]) outcome(b, false, ms);
    assert.equal(b.state, 'closed', '5 of 7 slow is below 75%');
    outcome(b, false, 2000);
    assert.equal(b.state, 'open', '6 of 8 slow is 75%');
    assert.match(b.metrics().lastTrip!, /6 of the last 8 calls took ≥ 2000ms \(threshold 75%\)/);
    assert.equal(b.totals.failures, 0);
  });

  it('judges the call that fills the window to its minimum, even a success', () => {
    const { b } = breaker({ minimumCalls: 4 });
    for (const failed of [true, true, true]) outcome(b, failed);
    assert.equal(b.state, 'closed', 'below the minimum');
    outcome(b, false);
    assert.equal(b.state, 'open', '3 of 4 failed');
  });

  it('open rejects at once without calling the function, naming the destination and when it may close', async () => {
    const { b, clock } = breaker();
    await calls(b, boom, 4);
    let called = false;
    const error = await b
      .execute(async () => (called = true))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof BreakerOpenError);
    assert.equal(error.code, 'BREAKER_OPEN');
    assert.equal(called, false);
    assert.equal(error.rejection.state, 'open');
    assert.equal(error.rejection.until, clock.now() + 1000);
    assert.equal(error.rejection.retryAfterMs, 1000);
    assert.match(
      error.message,
      /circuit breaker for https:\/\/api\.example\.com is open \(4 of the last 4 calls failed.*\); calls are rejected until 2026-01-01T00:00:01\.000Z \(in 1\.0s\)/,
    );
    assert.equal(b.totals.rejections, 1);
  });

  it('open → half-open when the open duration ends; half-open admits N trial calls and rejects the rest', () => {
    const { b, clock } = breaker({ halfOpenCalls: 2 });
    for (let i = 0; i < 4; i++) outcome(b, true);
    clock.advance(999);
    assert.equal(b.tryAcquire(), REJECTED);
    clock.advance(1);
    const first = b.tryAcquire();
    assert.equal(b.state, 'half-open');
    const second = b.tryAcquire();
    assert.notEqual(first, REJECTED);
    assert.notEqual(second, REJECTED);
    assert.equal(b.tryAcquire(), REJECTED, 'a third call waits for the trials');
    assert.match(b.rejection().message, /half-open: its 2 trial calls are in flight/);
  });

  it('half-open → closed when every trial succeeds, with an empty window and the backoff forgotten', () => {
    const { b, clock } = breaker({ halfOpenCalls: 2 });
    for (let i = 0; i < 4; i++) outcome(b, true);
    clock.advance(1000);
    outcome(b, false);
    assert.equal(b.state, 'half-open', 'one of two trials done');
    outcome(b, false);
    assert.equal(b.state, 'closed');
    const m = b.metrics();
    assert.equal(m.window.calls, 0);
    assert.equal(m.consecutiveTrips, 0);
  });

  it('half-open → open as soon as the trials fail, for twice as long each time, up to the cap', () => {
    const { b, clock } = breaker({ halfOpenCalls: 2, openDurationMs: 1000, openBackoffMultiplier: 2, maxOpenDurationMs: 5000 });
    for (let i = 0; i < 4; i++) outcome(b, true);
    const durations: number[] = [];
    for (let trip = 0; trip < 5; trip++) {
      const until = b.metrics().openUntil!;
      durations.push(until - clock.now());
      clock.advance(until - clock.now());
      outcome(b, true); // one failed trial of two is 50%: open again without waiting for the second
      assert.equal(b.state, 'open');
    }
    assert.deepEqual(durations, [1000, 2000, 4000, 5000, 5000]);
    assert.equal(b.metrics().consecutiveTrips, 6);
    assert.match(b.metrics().lastTrip!, /1 of 2 half-open trial calls failed/);
  });

  it('a released trial (caller cancelled) frees its permit; late results of an older state count for nothing', () => {
    const { b, clock } = breaker({ halfOpenCalls: 1 });
    const closedTicket = b.tryAcquire();
    for (let i = 0; i < 4; i++) outcome(b, true);
    clock.advance(1000);
    const trial = b.tryAcquire();
    assert.equal(b.tryAcquire(), REJECTED);
    b.release(trial);
    const again = b.tryAcquire();
    assert.notEqual(again, REJECTED);
    b.record(closedTicket, true, 1); // admitted while closed; must not decide the half-open
    assert.equal(b.state, 'half-open');
    assert.equal(b.totals.ignored, 2);
    b.record(again, false, 1);
    assert.equal(b.state, 'closed');
  });

  it('works the same over a time window: old failures age out', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: NAME, clock, options: { window: { type: 'time', size: 10 }, minimumCalls: 4 } });
    for (let i = 0; i < 3; i++) outcome(b, true);
    clock.advance(10_000); // those three failures leave the window
    outcome(b, false);
    outcome(b, false);
    outcome(b, false);
    outcome(b, true);
    assert.equal(b.state, 'closed', '1 of 4 in the last 10 s');
    outcome(b, true);
    outcome(b, true);
    assert.equal(b.state, 'open', '3 of 6 in the last 10 s');
    assert.equal(b.metrics().window.kind, 'time');
  });

  it('counts only what isFailure says is a failure', async () => {
    const { b } = breaker();
    const notFound = async () => {
      throw Object.assign(new Error('404'), { status: 404 });
    };
    for (let i = 0; i < 6; i++) await b.execute(notFound, (e) => (e as { status?: number }).status !== 404).catch(() => undefined);
    assert.equal(b.state, 'closed');
    assert.equal(b.totals.failures, 0);
    assert.equal(b.totals.successes, 6);
  });

  it('passes results and errors through unchanged', async () => {
    const { b } = breaker();
    assert.equal(await b.execute(ok), 'ok');
    assert.equal(await b.execute(() => 7), 7);
    await assert.rejects(b.execute(boom), /boom/);
  });

  it('emits state changes with reasons, and rejections', async () => {
    const { b, clock } = breaker({ halfOpenCalls: 1 });
    const changes: StateChange[] = [];
    const rejections: Rejection[] = [];
    const sub = b.onStateChange((c) => changes.push(c));
    b.onRejected((r) => rejections.push(r));
    await calls(b, boom, 4);
    await calls(b, ok, 2);
    clock.advance(1000);
    await calls(b, ok, 1);
    assert.deepEqual(
      changes.map((c) => `${c.from}→${c.to}`),
      ['closed→open', 'open→half-open', 'half-open→closed'],
    );
    assert.match(changes[0].reason, /4 of the last 4 calls failed.*open for 1000ms/);
    assert.equal(changes[0].breaker, NAME);
    assert.equal(rejections.length, 2);
    assert.equal(rejections[0].state, 'open');
    sub.dispose();
    await calls(b, boom, 4);
    assert.equal(changes.length, 3, 'disposed listeners hear nothing');
  });

  it('keeps running totals for metrics', async () => {
    const { b } = breaker({ slowCallDurationMs: 1000 });
    outcome(b, false, 5);
    outcome(b, true, 5);
    outcome(b, false, 1500);
    const m = b.metrics();
    assert.deepEqual(
      { calls: m.totals.calls, successes: m.totals.successes, failures: m.totals.failures, slow: m.totals.slowCalls },
      { calls: 3, successes: 2, failures: 1, slow: 1 },
    );
    assert.equal(m.window.failureRate, 1 / 3);
    assert.deepEqual(m.thresholds, { failureRate: 0.5, slowCallRate: 1, pressure: 0 });
  });
});
