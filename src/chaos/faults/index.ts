/**
 * The fault lifecycle shared by the activity, `chaos.remove`, the reaper and the CLI:
 * record the intent (with its undo) → apply → hold (heartbeat) → remove, idempotently,
 * by whoever gets there first.
 */
import type { FaultKind } from '../spec';
import { FaultStore, currentOwner, ownedHere, ownerAlive, type FaultOwner, type FaultRecord } from '../store';
import { httpFaults } from './http';
import { networkFaults } from './network';
import { processFaults } from './process';
import { cpuFaults, diskFaults, memoryFaults } from './resource';
import { FaultError, type FaultDriver } from './types';

export { FaultError } from './types';

export const DRIVERS: Record<FaultKind, FaultDriver> = {
  http: httpFaults,
  network: networkFaults,
  cpu: cpuFaults,
  memory: memoryFaults,
  disk: diskFaults,
  process: processFaults,
};

export interface NewFault {
  id: string;
  kind: FaultKind;
  target: string;
  spec: Record<string, unknown>;
  durationMs: number;
  ttlMs: number;
  owner?: Omit<FaultOwner, 'process' | 'host'>;
}

/**
 * Writes the intent and its undo, then applies the fault. If someone removed it while it was
 * being applied (stop-all in that very moment), the removal is run again after the apply.
 */
export async function injectFault(store: FaultStore, f: NewFault): Promise<FaultRecord> {
  const driver = DRIVERS[f.kind];
  const undo = await driver.prepare(f.target, f.spec, f.id);
  const now = new Date();
  const record: FaultRecord = {
    id: f.id,
    kind: f.kind,
    target: f.target,
    spec: f.spec,
    owner: currentOwner(f.owner),
    state: 'pending',
    createdAt: now.toISOString(),
    heartbeatAt: now.toISOString(),
    ttlMs: f.ttlMs,
    durationMs: f.durationMs,
    deadline: new Date(now.getTime() + f.durationMs + f.ttlMs).toISOString(),
    undo,
  };
  store.write(record);
  try {
    await driver.apply(record);
  } catch (error) {
    // Part of it may have landed (a tc command that half worked): take back whatever did.
    await driver.remove(record).catch(() => undefined);
    await store.update(record.id, (r) => ({
      ...r,
      state: 'failed',
      error: (error as Error).message,
      removedAt: new Date().toISOString(),
      removedBy: 'owner',
      removal: 'apply failed; removal attempted',
    }));
    throw error;
  }
  const after = await store.update(record.id, (r) =>
    r.state === 'pending' ? { ...r, state: 'active', appliedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() } : undefined,
  );
  if (after && after.state === 'removed') {
    await driver.remove(after).catch(() => undefined);
  }
  return after ?? record;
}

export interface RemoveOptions {
  by: string;
  reason: string;
  /** How long to wait for the owner of an in-process fault (cpu, memory) to end it. */
  waitOwnerMs?: number;
}

/**
 * Removes one fault, idempotently. In-process faults of another live process are asked for
 * (the owner checks its record a few times a second) and waited on; of a dead process, they
 * ended with it.
 */
export async function removeFault(store: FaultStore, id: string, opts: RemoveOptions): Promise<FaultRecord | undefined> {
  const first = store.read(id);
  if (!first) return undefined;
  if (first.state === 'removed' || first.state === 'failed') return first;
  const driver = DRIVERS[first.kind];
  if (driver.local && !ownedHere(first) && ownerAlive(first)) {
    await store.update(id, (r) =>
      r.removeRequested || r.state === 'removed' ? undefined : { ...r, removeRequested: { by: opts.by, reason: opts.reason, at: new Date().toISOString() } },
    );
    const deadline = Date.now() + (opts.waitOwnerMs ?? 2_000);
    for (;;) {
      const r = store.read(id);
      if (!r || r.state === 'removed' || r.state === 'failed' || !ownerAlive(r)) break;
      if (Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 20));
    }
  }
  return store.update(id, async (r) => {
    if (r.state === 'removed' || r.state === 'failed') return undefined;
    let removal: string;
    try {
      removal = await driver.remove(r);
    } catch (error) {
      // Still live: the next removal (the finally step, the reaper) tries again.
      throw new FaultError((error as FaultError).code ?? 'REMOVE_FAILED', `removing fault ${r.id} (${r.kind} on ${r.target}): ${(error as Error).message}`);
    }
    return { ...r, state: 'removed', removedAt: new Date().toISOString(), removedBy: opts.by, removal: `${removal} (${opts.reason})` };
  });
}

/** Removes several; one failing does not stop the others. */
export async function removeMany(
  store: FaultStore,
  ids: string[],
  opts: RemoveOptions,
): Promise<{ removed: FaultRecord[]; failed: { id: string; error: string }[] }> {
  const removed: FaultRecord[] = [];
  const failed: { id: string; error: string }[] = [];
  await Promise.all(
    ids.map(async (id) => {
      try {
        const r = await removeFault(store, id, opts);
        if (r && r.state !== 'active' && r.state !== 'pending') removed.push(r);
        else if (r) failed.push({ id, error: 'the owner did not end it in time; it ends by its deadline ' + r.deadline });
      } catch (error) {
        failed.push({ id, error: (error as Error).message });
      }
    }),
  );
  return { removed, failed };
}
