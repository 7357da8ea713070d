/**
 * What the fast path needs from the outside world, as functions, so the loop is written
 * once: the activity (activities/failover.ts) plugs in the replication adapter and the
 * traffic router; nothing here knows PostgreSQL or HTTP admin APIs.
 */

export interface ReplicaLag {
  /** The standby's region. */
  name: string;
  lagBytes: number;
  lagSeconds: number;
  syncState?: string;
}

export interface RegionRole {
  region: string;
  reachable: boolean;
  role: 'primary' | 'standby' | 'unknown';
  writable: boolean;
  /** On a standby: its own view (received but not yet replayed). */
  lagBytes?: number;
  lagSeconds?: number;
  /**
   * On a standby: how far into the primary's write-ahead log it has received and flushed, as
   * an absolute byte position (comparable between standbys of one primary; PostgreSQL's LSN).
   */
  receivedWalBytes?: number;
  /** On a primary: what it knows about each standby. */
  replicas?: ReplicaLag[];
  error?: string;
}

export interface FailoverPorts {
  /** Role and replication view of one region's database (bounded by timeoutMs). */
  status(region: string, timeoutMs: number): Promise<RegionRole>;
  /** Router: no more traffic to `from` (its share goes to `to`). */
  fenceRouter(from: string, to: string): Promise<unknown>;
  /** Database: make `from` unable to accept writes, if it can be reached (bounded by timeoutMs). */
  fenceNode(from: string, timeoutMs: number): Promise<unknown>;
  /** Database: make `to` the primary; idempotent (a primary answers alreadyPrimary). */
  promote(to: string): Promise<{ alreadyPrimary?: boolean } & Record<string, unknown>>;
  /** Router: all traffic to `to`'s pool. */
  switchRouter(to: string): Promise<unknown>;
  /** The other standbys follow the new primary (a synchronous primary needs one to commit). */
  repoint?(standby: string, primary: string): Promise<unknown>;
  /** Every region, for repointing. */
  regions?(): string[];
}

/** Operator overrides the monitor honours, as its workflow's override log shows them. */
export interface OverrideView {
  /** holdFailover accepted and not released since. */
  hold: { by: string; reason?: string } | null;
  /** Accepted forceFailover overrides, oldest first. */
  forces: { by: string; reason?: string; target?: string; at: string }[];
}
