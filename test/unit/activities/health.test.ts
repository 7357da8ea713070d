/**
 * health.system on the machine running the tests: sane numbers, and the status rule
 * (at or above a limit: unhealthy; within 10% of it: degraded).
 */
import { strict as assert } from 'node:assert';
import { judge, system } from '../../../activities/health';
import { detailsOf, failureOf } from './failure';

const isPercent = (n: unknown) => typeof n === 'number' && n >= 0 && n <= 100;

describe('health.system', () => {
  it('reports CPU, memory and disk usage as percentages, and the load average', async () => {
    const result = await system.run({});
    assert.ok(isPercent(result.cpuPercent), `cpu ${result.cpuPercent}`);
    assert.ok(isPercent(result.memoryPercent) && result.memoryPercent > 0, `memory ${result.memoryPercent}`);
    assert.ok(result.disks.length > 0, 'at least one disk');
    for (const disk of result.disks) {
      assert.ok(disk.mount.startsWith('/') || /^[A-Z]:/.test(disk.mount), disk.mount);
      assert.ok(isPercent(disk.usedPercent), `${disk.mount} ${disk.usedPercent}`);
    }
    assert.equal(result.loadAverage.length, 3);
    assert.ok(result.network.length > 0, 'at least one network interface');
    assert.ok(result.network.every((n) => typeof n.iface === 'string' && n.rxErrors >= 0 && n.txDropped >= 0));
    assert.ok(result.loadAverage.every((n) => typeof n === 'number' && n >= 0));
    // No limits, nothing to judge against.
    assert.equal(result.status, 'healthy');
    assert.deepEqual(result.reasons, []);
  });

  it('is unhealthy, with a reason, when a metric reaches its limit', async () => {
    const result = await system.run({ maxCpuPercent: 0 });
    assert.equal(result.status, 'unhealthy');
    assert.ok(
      result.reasons.some((r) => /^cpu .* at or above the limit of 0%/.test(r)),
      result.reasons.join('; '),
    );
  });

  it('checks only the named mounts, and a missing one is unhealthy', async () => {
    const root = await system.run({ mounts: ['/'], maxDiskPercent: 100 });
    assert.deepEqual(
      root.disks.map((d) => d.mount),
      ['/'],
    );
    const missing = await system.run({ mounts: ['/', '/no/such/mount'] });
    assert.equal(missing.status, 'unhealthy');
    assert.ok(missing.reasons.includes('disk /no/such/mount: not mounted'), missing.reasons.join('; '));
  });

  it('fails retryably with HEALTH_THRESHOLD, carrying the measurements, when failOnUnhealthy is set', async () => {
    const failure = await failureOf(system.run({ maxMemoryPercent: 0, failOnUnhealthy: true }), 'HEALTH_THRESHOLD');
    assert.equal(failure.nonRetryable, false);
    const details = detailsOf(failure);
    assert.equal(details.status, 'unhealthy');
    assert.ok(isPercent(details.memoryPercent));
    assert.match(failure.message, /memory/);
  });

  it('judges a metric degraded from 90% of its limit, unhealthy from the limit', () => {
    assert.equal(judge('cpu', 50, 80).status, 'healthy');
    assert.equal(judge('cpu', 71.9, 80).status, 'healthy');
    assert.equal(judge('cpu', 72, 80).status, 'degraded');
    assert.match(judge('cpu', 75, 80).reason ?? '', /within 10% of the limit of 80%/);
    assert.equal(judge('cpu', 80, 80).status, 'unhealthy');
    assert.equal(judge('cpu', 99, undefined).status, 'healthy');
  });
});
