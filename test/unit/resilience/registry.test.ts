/** The registry: one breaker per destination, operator overrides for breakers that exist and that come later, readiness. */
import { strict as assert } from 'node:assert';
import { ManualClock } from '../../../src/resilience/clock';
import { BreakerRegistry } from '../../../src/resilience/registry';
import type { StateChange } from '../../../src/resilience/states';

const A = 'https://a.example.com';
const B = 'http://10.0.0.5:8080';
const override = (state: 'open' | 'closed' | 'disabled', by = 'alice', at = '2026-01-01T00:00:00.000Z') => ({ state, by, reason: 'INC-1', at });

describe('resilience: registry', () => {
  it('makes one breaker per name, on first use, with the registry defaults', () => {
    const r = new BreakerRegistry({ options: { minimumCalls: 7 }, clock: new ManualClock() });
    const a = r.get(A);
    assert.equal(r.get(A), a);
    assert.notEqual(r.get(B), a);
    assert.equal(a.options.minimumCalls, 7);
    assert.equal(r.size, 2);
    assert.equal(r.peek('https://never.example.com'), undefined);
    assert.deepEqual(
      r.list().map((m) => m.name),
      [A, B],
    );
  });

  it('applies overrides to breakers that exist and to breakers made later', () => {
    const r = new BreakerRegistry({ clock: new ManualClock() });
    const a = r.get(A);
    const changed = r.applyOverrides({ [A]: override('open'), [B]: override('disabled') });
    assert.deepEqual(changed.sort(), [B, A].sort());
    assert.equal(a.state, 'forced-open');
    assert.equal(r.get(B).state, 'disabled', 'made after the override, starts overridden');
    assert.deepEqual(a.override, { by: 'alice', reason: 'INC-1', at: '2026-01-01T00:00:00.000Z' });
  });

  it('re-applies only what changed, and resets breakers whose override is gone, saying who', () => {
    const r = new BreakerRegistry({ clock: new ManualClock() });
    const changes: StateChange[] = [];
    r.onStateChange((c) => changes.push(c));
    const a = r.get(A);
    r.applyOverrides({ [A]: override('open') });
    assert.deepEqual(r.applyOverrides({ [A]: override('open') }), []);
    assert.deepEqual(r.applyOverrides({ [A]: override('closed', 'bob', '2026-01-01T00:01:00.000Z') }), [A]);
    assert.equal(a.state, 'forced-closed');
    r.applyOverrides({}, { [A]: { by: 'carol', reason: 'fixed' } });
    assert.equal(a.state, 'closed');
    assert.deepEqual(
      changes.map((c) => `${c.to}: ${c.reason}`),
      ['forced-open: forced open by alice (INC-1)', 'forced-closed: forced closed by bob (INC-1)', 'closed: reset by carol (fixed)'],
    );
    assert.deepEqual(r.currentOverrides(), {});
  });

  it('snapshots every breaker and restores them, overrides still winning', () => {
    const clock = new ManualClock();
    const r = new BreakerRegistry({ clock, options: { minimumCalls: 2, window: { type: 'count', size: 4 } } });
    const a = r.get(A);
    for (let i = 0; i < 2; i++) a.record(a.tryAcquire(), true, 1);
    r.get(B);
    const json = JSON.parse(JSON.stringify(r));
    const r2 = new BreakerRegistry({ clock, options: { minimumCalls: 2, window: { type: 'count', size: 4 } } });
    r2.applyOverrides({ [B]: override('open') });
    r2.restore(json);
    assert.equal(r2.get(A).state, 'open');
    assert.equal(r2.get(B).state, 'forced-open');
  });

  it('keeps at most maxBreakers, dropping the oldest closed, unforced one', () => {
    const r = new BreakerRegistry({ maxBreakers: 3, clock: new ManualClock() });
    r.applyOverrides({ 'https://h0.example.com': override('open') });
    for (let i = 0; i < 5; i++) r.get(`https://h${i}.example.com`);
    assert.equal(r.size, 3);
    assert.ok(r.peek('https://h0.example.com'), 'the forced one stays');
    assert.ok(r.peek('https://h4.example.com'));
  });

  it('holds outbound calls until the first overrides arrive, or until the wait runs out', async () => {
    const r = new BreakerRegistry();
    r.expectOverrides(10_000);
    assert.equal(r.ready, false);
    let released = false;
    const waiting = r.whenReady().then(() => (released = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released, false);
    r.overridesLoaded();
    await waiting;
    assert.equal(released, true);

    const r2 = new BreakerRegistry();
    r2.expectOverrides(30);
    const t0 = Date.now();
    await r2.whenReady();
    assert.ok(Date.now() - t0 >= 25, 'waited for the timeout');
    assert.equal(r2.ready, true);
  });
});
