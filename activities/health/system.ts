/**
 * `health.system`: the worker host's CPU, memory and disk usage against optional limits, plus
 * load average and per-interface network error counters as measurements.
 *
 * Status rule, per metric that has a limit: at or above the limit is unhealthy; at or above
 * 90% of the limit ("within 10% of it") is degraded. The worst metric decides the status,
 * and every metric that is not healthy adds a reason. A mount named in `mounts` that does not
 * exist is unhealthy (an unmounted volume is a failure, not a pass). Without limits the
 * status is always healthy: the numbers are still returned for later steps to judge.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import * as os from 'node:os';
import * as si from 'systeminformation';
import { defineAction } from '../action';
import { FailOnUnhealthy, verdict, type HealthStatus } from './status';

/** CPU usage is a rate: sampled over this window rather than averaged since boot. */
const CPU_SAMPLE_MS = 500;
const DEGRADED_FRACTION = 0.9;
/** Mounts that are always full or not storage; they would make every host look unhealthy. */
const IGNORED_FS_TYPES = new Set(['squashfs', 'iso9660', 'udf', 'overlay-ro', 'devtmpfs', 'proc', 'sysfs']);

const Percent = (description: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 100, description }));

export const system = defineAction({
  name: 'health.system',
  description: 'Reports CPU, memory, disk usage and load average; status is judged against the optional max*Percent limits.',
  args: Type.Object(
    {
      maxCpuPercent: Percent('CPU busy over a short sample'),
      maxMemoryPercent: Percent('Memory in use, excluding reclaimable cache'),
      maxDiskPercent: Percent('Applies to each disk checked'),
      mounts: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Check only these mount points' })),
      failOnUnhealthy: FailOnUnhealthy,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 3, initialInterval: '1s' } },
  run: async (args) => {
    for (const key of ['maxCpuPercent', 'maxMemoryPercent', 'maxDiskPercent'] as const) {
      const limit = args[key];
      if (limit !== undefined && (typeof limit !== 'number' || !(limit >= 0 && limit <= 100))) {
        throw ApplicationFailure.nonRetryable(`${key} must be a number from 0 to 100`, 'BAD_ARGUMENT');
      }
    }
    const [cpuPercent, memoryPercent, allDisks, network] = await Promise.all([sampleCpu(), memoryUsed(), disks(), networkErrors()]);
    const wanted = args.mounts;
    // Named mounts are checked whatever their type; by default only real storage is.
    const checked = (wanted ? allDisks.filter((d) => wanted.includes(d.mount)) : allDisks.filter((d) => !IGNORED_FS_TYPES.has(d.type))).map(
      ({ mount, usedPercent }) => ({ mount, usedPercent }),
    );

    const judged: Judgement[] = [
      judge('cpu', cpuPercent, args.maxCpuPercent),
      judge('memory', memoryPercent, args.maxMemoryPercent),
      ...checked.map((d) => judge(`disk ${d.mount}`, d.usedPercent, args.maxDiskPercent)),
      ...(wanted ?? [])
        .filter((mount) => !allDisks.some((d) => d.mount === mount))
        .map((mount): Judgement => ({ status: 'unhealthy', reason: `disk ${mount}: not mounted` })),
    ];
    const measured = { cpuPercent, memoryPercent, disks: checked, loadAverage: os.loadavg().map(round) as [number, number, number], network };
    return verdict('host', judged, measured, args.failOnUnhealthy);
  },
});

interface Judgement {
  status: HealthStatus;
  reason?: string;
}

export function judge(metric: string, value: number, limit: number | undefined): Judgement {
  if (limit === undefined) return { status: 'healthy' };
  if (value >= limit) return { status: 'unhealthy', reason: `${metric} ${value}% is at or above the limit of ${limit}%` };
  if (value >= limit * DEGRADED_FRACTION) return { status: 'degraded', reason: `${metric} ${value}% is within 10% of the limit of ${limit}%` };
  return { status: 'healthy' };
}

/**
 * systeminformation reports usage since its previous call (since boot on the first), so
 * take one reading to start a window and another to close it.
 */
async function sampleCpu(): Promise<number> {
  await si.currentLoad();
  await new Promise((resolve) => setTimeout(resolve, CPU_SAMPLE_MS));
  return clampPercent((await si.currentLoad()).currentLoad);
}

/** Used = total - available: page cache the kernel can reclaim is not pressure. */
async function memoryUsed(): Promise<number> {
  const mem = await si.mem();
  return mem.total > 0 ? clampPercent(((mem.total - mem.available) / mem.total) * 100) : 0;
}

/** Every mounted filesystem with a size, once per mount point (the last mount over a path wins, as in df). */
async function disks(): Promise<{ mount: string; type: string; usedPercent: number }[]> {
  const byMount = new Map<string, { mount: string; type: string; usedPercent: number }>();
  for (const d of await si.fsSize()) {
    if (!(d.size > 0)) continue;
    byMount.set(d.mount, { mount: d.mount, type: String(d.type).toLowerCase(), usedPercent: clampPercent(d.use ?? (d.used / d.size) * 100) });
  }
  return [...byMount.values()];
}

/** Error and drop counters per interface since boot: a rising count between checks is a failing link or NIC. */
async function networkErrors(): Promise<{ iface: string; rxErrors: number; txErrors: number; rxDropped: number; txDropped: number }[]> {
  const stats = await si.networkStats('*').catch(() => []);
  return stats.map((s) => ({ iface: s.iface, rxErrors: s.rx_errors, txErrors: s.tx_errors, rxDropped: s.rx_dropped, txDropped: s.tx_dropped }));
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? round(Math.min(100, Math.max(0, value))) : 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
