/**
 * Promoting a region safely, with every other region in view:
 *  - the target is already primary → alreadyPrimary, nothing done (retries, repeats);
 *  - another node still accepts writes → SPLIT_BRAIN_RISK (fence it first);
 *  - the old primary is still reachable (fenced read-only): wait, briefly, until the target
 *    has received everything it wrote, so a planned switchover loses nothing and the other
 *    standbys are never ahead of the new primary.
 */
import { ReplicationError, type PromoteResult, type ReplicationAdapter } from './adapter';
import type { ResolvedNode } from './node-spec';
import { lsnAtLeast } from './sql';
import { writableNodes } from './cluster-ops';

export interface PromoteRegionOptions {
  timeoutMs?: number;
  /** How long to wait for the target to catch up with a reachable fenced primary (default 5 s; 0: do not wait). */
  catchUpMs?: number;
}

export type PromoteRegionResult = PromoteResult & {
  /** The fenced old primary's last LSN the target waited for, and whether it got there. */
  catchUp?: { from: string; lsn: string; reached: boolean };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function promoteRegion(
  adapter: ReplicationAdapter,
  all: ResolvedNode[],
  region: string,
  options: PromoteRegionOptions = {},
): Promise<PromoteRegionResult> {
  const target = all.find((n) => n.region === region);
  if (!target) throw new ReplicationError('BAD_REGION', `no region ${region} (known: ${all.map((n) => n.region).join(', ')})`);
  const others = all.filter((n) => n.region !== region);
  const before = await adapter.status(target);
  if (!before.reachable) throw new ReplicationError('PROMOTE_TIMEOUT', `cannot promote region ${region}: ${before.error}`, true);
  if (before.role === 'primary') return adapter.promote(target, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  const writable = await writableNodes(adapter, others);
  if (writable.length > 0) {
    throw new ReplicationError(
      'SPLIT_BRAIN_RISK',
      `refusing to promote ${region}: ${writable.join(', ')} still accept${writable.length === 1 ? 's' : ''} writes; fence ${writable.length === 1 ? 'it' : 'them'} first (replication.fence)`,
    );
  }
  let catchUp: PromoteRegionResult['catchUp'];
  const waitMs = options.catchUpMs ?? 5_000;
  if (waitMs > 0) {
    const statuses = await Promise.all(others.map((n) => adapter.status(n, 1_000)));
    const old = statuses.find((s) => s.reachable && s.role === 'primary' && s.currentLsn);
    if (old) {
      const deadline = Date.now() + waitMs;
      let reached = false;
      for (;;) {
        const s = await adapter.status(target, 1_000);
        if (lsnAtLeast(s.receivedLsn ?? s.replayedLsn, old.currentLsn!)) {
          reached = true;
          break;
        }
        if (Date.now() > deadline) break;
        await sleep(10);
      }
      catchUp = { from: old.region, lsn: old.currentLsn!, reached };
    }
  }
  const result = await adapter.promote(target, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  return { ...result, ...(catchUp ? { catchUp } : {}) };
}
