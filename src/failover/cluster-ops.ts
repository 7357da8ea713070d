/**
 * Questions about all regions at once: every node's status with lag measured against the
 * current primary, whether the data agrees everywhere (verify), and the safety invariant
 * "at most one node accepts writes".
 */
import { ReplicationError, type NodeStatus, type ReplicationAdapter, type TableDigest } from './adapter';
import type { ResolvedNode } from './node-spec';
import { lsnAtLeast, lsnDiff } from './sql';

export interface ClusterStatus {
  /** The one reachable writable primary's region, if exactly one. */
  primary?: string;
  /** Every reachable node that reports itself primary (more than one: split brain, or a fenced old one). */
  primaries: string[];
  nodes: NodeStatus[];
}

/** All nodes in parallel; a standby's lag is against the primary's current LSN and its replay as the primary reports it. */
export async function clusterStatus(adapter: ReplicationAdapter, nodes: ResolvedNode[], timeoutMs?: number): Promise<ClusterStatus> {
  const all = await Promise.all(nodes.map((n) => adapter.status(n, timeoutMs)));
  const primaries = all.filter((s) => s.reachable && s.role === 'primary');
  const writable = primaries.filter((s) => s.writable);
  const primary = writable.length === 1 ? writable[0] : undefined;
  if (primary) {
    for (const s of all) {
      if (s.role !== 'standby') continue;
      const seen = primary.replicas?.find((r) => r.name === s.region);
      s.lagBytes = lsnDiff(primary.currentLsn, s.replayedLsn);
      s.syncState = seen ? seen.syncState : 'disconnected';
      if (seen && s.lagBytes > 0) s.lagSeconds = Math.max(s.lagSeconds ?? 0, seen.lagSeconds);
      if (s.lagBytes === 0) s.lagSeconds = 0;
    }
  }
  return { ...(primary ? { primary: primary.region } : {}), primaries: primaries.map((s) => s.region), nodes: all };
}

/** The regions that accept a real (rolled back) write right now. */
export async function writableNodes(adapter: ReplicationAdapter, nodes: ResolvedNode[]): Promise<string[]> {
  const answers = await Promise.all(nodes.map(async (n) => ((await adapter.acceptsWrites(n, 1_500)) ? n.region : undefined)));
  return answers.filter((r): r is string => r !== undefined);
}

/** Throws SPLIT_BRAIN_RISK when more than one node accepts writes; returns the writable one(s). */
export async function assertAtMostOneWritable(adapter: ReplicationAdapter, nodes: ResolvedNode[]): Promise<string[]> {
  const writable = await writableNodes(adapter, nodes);
  if (writable.length > 1) throw new ReplicationError('SPLIT_BRAIN_RISK', `${writable.length} nodes accept writes: ${writable.join(', ')}`);
  return writable;
}

export interface VerifyOptions {
  tables: string[];
  /** How long standbys may take to replay up to the primary's position (default 10 s). */
  catchUpTimeoutMs?: number;
}

export interface VerifyResult {
  equal: boolean;
  /** Every compared standby replayed up to the primary's LSN in time. */
  caughtUp: boolean;
  /** The node the others were compared against (the writable primary, else the first reachable). */
  reference: string;
  lsn?: string;
  nodes: Array<{ region: string; role: string; replayedLsn?: string; tables: Record<string, TableDigest> }>;
  differences: Array<{ region: string; table: string; rows: number; checksum: string; expectedRows: number; expectedChecksum: string }>;
  /** Nodes left out because they do not answer. */
  unreachable: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for the standbys to replay up to the primary's position, then compares row counts
 * and checksums of `tables` on every reachable node. Writes arriving meanwhile move the
 * target: it compares again while time remains, so light traffic still converges.
 */
export async function verifyReplicas(adapter: ReplicationAdapter, nodes: ResolvedNode[], options: VerifyOptions): Promise<VerifyResult> {
  if (options.tables.length === 0) throw new ReplicationError('BAD_REGION', 'verify needs at least one table');
  const deadline = Date.now() + (options.catchUpTimeoutMs ?? 10_000);
  for (;;) {
    const cluster = await clusterStatus(adapter, nodes);
    const reachable = cluster.nodes.filter((s) => s.reachable);
    if (reachable.length === 0) throw new ReplicationError('NO_PRIMARY', 'no region answers; nothing to verify', true);
    const referenceStatus = reachable.find((s) => s.region === cluster.primary) ?? reachable[0]!;
    const byRegion = new Map(nodes.map((n) => [n.region, n]));
    const reference = byRegion.get(referenceStatus.region)!;
    const expected = await adapter.digest(reference, options.tables);
    // The position the reference's digest reflects (at least): standbys must replay up to it.
    const lsn = cluster.primary ? (await adapter.status(reference)).currentLsn : undefined;
    let caughtUp = true;
    const others = reachable.filter((s) => s.region !== reference.region);
    if (lsn) {
      for (;;) {
        const states = await Promise.all(others.map((s) => adapter.status(byRegion.get(s.region)!)));
        if (states.every((s) => !s.reachable || lsnAtLeast(s.replayedLsn, lsn))) break;
        if (Date.now() > deadline) {
          caughtUp = false;
          break;
        }
        await sleep(25);
      }
    }
    const compared = await Promise.all(
      others.map(async (s) => ({
        status: await adapter.status(byRegion.get(s.region)!),
        tables: await adapter.digest(byRegion.get(s.region)!, options.tables),
      })),
    );
    const differences: VerifyResult['differences'] = [];
    for (const c of compared) {
      for (const table of options.tables) {
        const got = c.tables[table]!;
        const want = expected[table]!;
        if (got.rows !== want.rows || got.checksum !== want.checksum)
          differences.push({
            region: c.status.region,
            table,
            rows: got.rows,
            checksum: got.checksum,
            expectedRows: want.rows,
            expectedChecksum: want.checksum,
          });
      }
    }
    const result: VerifyResult = {
      equal: differences.length === 0,
      caughtUp,
      reference: reference.region,
      ...(lsn ? { lsn } : {}),
      nodes: [
        { region: reference.region, role: referenceStatus.role, tables: expected },
        ...compared.map((c) => ({
          region: c.status.region,
          role: c.status.role,
          ...(c.status.replayedLsn ? { replayedLsn: c.status.replayedLsn } : {}),
          tables: c.tables,
        })),
      ],
      differences,
      unreachable: cluster.nodes.filter((s) => !s.reachable).map((s) => s.region),
    };
    // Unequal while the primary kept moving and time remains: a write landed between the digests; look again.
    if (result.equal || !caughtUp || Date.now() > deadline) return result;
    const before = referenceStatus.currentLsn;
    const now = cluster.primary ? (await adapter.status(reference)).currentLsn : undefined;
    if (!now || (now === lsn && before === lsn)) return result;
    await sleep(25);
  }
}

/** The reachable standby that has received the most WAL (the one to promote: least data lost). */
export function mostAdvancedStandby(status: ClusterStatus): NodeStatus | undefined {
  return status.nodes
    .filter((s) => s.reachable && s.role === 'standby')
    .sort(
      (a, b) =>
        lsnDiff(b.receivedLsn ?? b.replayedLsn, a.receivedLsn ?? a.replayedLsn) - lsnDiff(a.receivedLsn ?? a.replayedLsn, b.receivedLsn ?? b.replayedLsn),
    )[0];
}
