/** Adaptive thresholds: the busier the host, the sooner a breaker opens; load is sampled in the background, never per call. */
import { strict as assert } from 'node:assert';
import { tightened } from '../../../src/resilience/adaptive';
import { CircuitBreaker } from '../../../src/resilience/breaker';
import { ManualClock } from '../../../src/resilience/clock';
import { pressureOf, type LoadSample, type LoadSource } from '../../../src/resilience/load';
import { LoadSampler, hostLoadReader, type LoadReader } from '../../../src/resilience/load-sampler';

const idle: LoadSample = { cpu: 0.2, memory: 0.4, eventLoopDelayMs: 1 };

/** 3 failures in 10 calls: 30%, below the 50% threshold of an idle host. */
function run(load: LoadSource): CircuitBreaker {
  const b = new CircuitBreaker({
    name: 'db',
    clock: new ManualClock(),
    load,
    options: { minimumCalls: 10, window: { type: 'count', size: 10 }, failureRateThreshold: 0.5, adaptiveTightening: 0.5 },
  });
  for (let i = 0; i < 10; i++) {
    const t = b.tryAcquire();
    b.record(t, i % 3 === 0 && i < 9, 1);
  }
  return b;
}

describe('resilience: adaptive thresholds', () => {
  it('tighten linearly with pressure, by at most the configured fraction', () => {
    assert.equal(tightened(0.5, 0.5, 0), 0.5);
    assert.equal(tightened(0.5, 0.5, 0.5), 0.375);
    assert.equal(tightened(0.5, 0.5, 1), 0.25);
    assert.equal(tightened(0.5, 0.5, 7), 0.25, 'pressure is capped at 1');
    assert.equal(tightened(0.5, 0, 1), 0.5, 'tightening 0 turns adaptation off');
  });

  it('pressure is the worst metric, ramping from its high mark to its critical mark', () => {
    assert.deepEqual(pressureOf(idle), { pressure: 0 });
    assert.equal(pressureOf({ ...idle, cpu: 0.95 }).pressure, 1);
    assert.ok(Math.abs(pressureOf({ ...idle, cpu: 0.825 }).pressure - 0.5) < 1e-9);
    const loop = pressureOf({ ...idle, cpu: 0.825, eventLoopDelayMs: 400 });
    assert.equal(loop.cause, 'eventLoopDelayMs');
    assert.equal(loop.pressure, 0.75);
    assert.equal(pressureOf({ ...idle, memory: 0.99 }).cause, 'memory');
  });

  it('an idle host keeps the breaker closed at 30% failures; a saturated one opens it', () => {
    assert.equal(run({ pressure: 0 }).state, 'closed');
    const loaded = run({ pressure: 1 });
    assert.equal(loaded.state, 'open');
    assert.match(loaded.metrics().lastTrip!, /threshold 25%, tightened from 50% by host load 100%/);
  });

  it('reports the thresholds in effect', () => {
    const m = run({ pressure: 0.5 }).metrics();
    assert.deepEqual(m.thresholds, { failureRate: 0.375, slowCallRate: 0.75, pressure: 0.5 });
  });

  it('the sampler reads load on its interval, not per call, and publishes pressure', async () => {
    let reads = 0;
    let sample = idle;
    const reader: LoadReader = { read: () => (reads++, sample) };
    const sampler = new LoadSampler({ intervalMs: 20, reader }).start();
    try {
      const b = new CircuitBreaker({ name: 'svc', load: sampler, options: { minimumCalls: 10, window: { type: 'count', size: 10 } } });
      const before = reads;
      for (let i = 0; i < 10_000; i++) await b.execute(async () => i).catch(() => undefined);
      assert.ok(reads - before <= 3, `10,000 calls caused ${reads - before} load reads`);
      sample = { ...idle, cpu: 0.95 };
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(sampler.pressure, 1);
      assert.equal(sampler.cause, 'cpu');
      assert.ok(sampler.samples >= 2);
    } finally {
      sampler.stop();
    }
    assert.equal(sampler.running, false);
  });

  it('reads the real host: CPU and memory fractions, event-loop delay in ms', async () => {
    const reader = hostLoadReader();
    try {
      await new Promise((r) => setTimeout(r, 50));
      const s = reader.read();
      for (const f of [s.cpu, s.memory]) assert.ok(f >= 0 && f <= 1, JSON.stringify(s));
      assert.ok(s.eventLoopDelayMs >= 0 && s.eventLoopDelayMs < 10_000, JSON.stringify(s));
    } finally {
      reader.close?.();
    }
  });
});
