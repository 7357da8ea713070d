/**
 * Network faults with traffic control on an interface inside a network namespace (target
 * `<namespace>/<interface>`): netem delay, jitter and loss, or a full partition with the
 * blackhole qdisc. Genie's qdisc carries its own handle (7a6e:), so removal deletes only
 * what Genie added, which brings back the kernel's default qdisc. An interface that already
 * has a non-default root qdisc is refused: Genie could not put it back.
 * `tc` runs as argv (no shell) and needs CAP_NET_ADMIN (root).
 */
import { execFile } from 'node:child_process';
import { parseDuration } from '../../dsl/duration';
import type { FaultRecord } from '../store';
import { FaultError, type FaultDriver } from './types';

export const GENIE_HANDLE = '7a6e:';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function tc(args: string[], timeoutMs = 5_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.env.GENIE_TC || 'tc', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        return reject(
          new FaultError(
            'TC_UNAVAILABLE',
            `cannot run tc: ${(error as Error).message} (install iproute2; Genie needs root or CAP_NET_ADMIN for network faults)`,
          ),
        );
      }
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export function parseTarget(target: string): { ns: string; dev: string } {
  const [ns, dev, ...rest] = target.split('/');
  if (!ns || !dev || rest.length || !NAME.test(ns) || !NAME.test(dev)) {
    throw new FaultError('BAD_TARGET', `network target ${JSON.stringify(target)} is not <namespace>/<interface>`);
  }
  return { ns, dev };
}

interface Qdisc {
  kind: string;
  handle: string;
  root?: boolean;
}

async function rootQdisc(ns: string, dev: string): Promise<Qdisc | undefined | 'missing'> {
  const r = await tc(['-n', ns, '-j', 'qdisc', 'show', 'dev', dev]);
  if (r.code !== 0) {
    if (/Cannot find device|No such file|Cannot open network namespace|does not exist/i.test(r.stderr)) return 'missing';
    throw new FaultError('TC_FAILED', `tc qdisc show dev ${dev} in namespace ${ns}: ${r.stderr.trim()}`);
  }
  const list = JSON.parse(r.stdout || '[]') as Qdisc[];
  return list.find((q) => q.root);
}

/** The netem arguments for a fault: `delay 100ms 10ms loss 5%`. */
export function netemArgs(spec: Record<string, unknown>): string[] {
  const args: string[] = [];
  if (spec.delay !== undefined) {
    args.push('delay', `${parseDuration(String(spec.delay))}ms`);
    if (spec.jitter !== undefined) args.push(`${parseDuration(String(spec.jitter))}ms`);
  }
  if (spec.loss !== undefined) args.push('loss', `${Number(spec.loss)}%`);
  return args;
}

export const networkFaults: FaultDriver = {
  async prepare(target) {
    const { ns, dev } = parseTarget(target);
    const root = await rootQdisc(ns, dev);
    if (root === 'missing') throw new FaultError('TARGET_NOT_FOUND', `no interface ${dev} in network namespace ${ns}`);
    if (root && root.handle !== '0:' && root.handle !== GENIE_HANDLE) {
      throw new FaultError(
        'TARGET_BUSY',
        `${dev} in namespace ${ns} already has a ${root.kind} root qdisc (handle ${root.handle}); Genie would not be able to restore it, so it injects nothing`,
      );
    }
    return { ns, dev, previous: root ? root.kind : 'default' };
  },
  async apply(r) {
    const { ns, dev } = parseTarget(r.target);
    const qdisc = r.spec.partition === true ? ['blackhole'] : ['netem', ...netemArgs(r.spec)];
    const out = await tc(['-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', 'handle', GENIE_HANDLE, ...qdisc]);
    if (out.code !== 0) {
      if (/qdisc kind is unknown/i.test(out.stderr)) {
        throw new FaultError(
          'NETEM_UNAVAILABLE',
          `this kernel has no ${qdisc[0]} qdisc (tc: ${out.stderr.trim()}); load it (modprobe sch_${qdisc[0]}) or use partition: true, which needs only the built-in blackhole qdisc`,
        );
      }
      throw new FaultError('TC_FAILED', `tc qdisc replace dev ${dev} in namespace ${ns}: ${out.stderr.trim()}`);
    }
  },
  async remove(r: FaultRecord) {
    const { ns, dev } = parseTarget(r.target);
    const root = await rootQdisc(ns, dev);
    if (root === 'missing') return `interface ${dev} in namespace ${ns} is gone: nothing to remove`;
    if (!root || root.handle !== GENIE_HANDLE) return `no Genie qdisc on ${dev} in namespace ${ns}: nothing to remove`;
    const out = await tc(['-n', ns, 'qdisc', 'del', 'dev', dev, 'root', 'handle', GENIE_HANDLE]);
    if (out.code !== 0 && !/Invalid handle|No such file|Cannot delete qdisc with handle of zero/i.test(out.stderr)) {
      throw new FaultError('TC_FAILED', `tc qdisc del dev ${dev} in namespace ${ns}: ${out.stderr.trim()}`);
    }
    return `deleted the ${root.kind} qdisc on ${dev} in namespace ${ns}; the default qdisc is back`;
  },
};
