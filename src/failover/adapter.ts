/**
 * What the replication actions need from a database, so the failover logic (activities,
 * the fast-path monitor) is written once and PostgreSQL is one implementation of it
 * (postgres-adapter.ts). Every method is idempotent: a retried activity must never promote
 * twice, fence the wrong node, or clone over a healthy standby.
 */
import type { ResolvedNode } from './node-spec';
import { GenieError } from '../errors/genie-error';

/** Which cluster and which history a node is on: the guard before any destructive act. */
export interface NodeIdentity {
  systemIdentifier: string;
  timeline: number;
}

export interface ReplicaView {
  /** The standby's application_name (= its region's cluster_name). */
  name: string;
  state: string;
  /** sync | async | potential | quorum, as the primary sees it. */
  syncState: string;
  replayLsn?: string;
  lagBytes: number;
  lagSeconds: number;
}

export interface NodeStatus {
  region: string;
  reachable: boolean;
  /** Why it is unreachable. */
  error?: string;
  role: 'primary' | 'standby' | 'unknown';
  /** A primary whose transactions are read-write by default (not fenced). */
  writable: boolean;
  /** default_transaction_read_only is on (fenced, or configured so). */
  readOnly: boolean;
  identity?: NodeIdentity;
  /** Primary: pg_current_wal_lsn(). */
  currentLsn?: string;
  /** Standby: last WAL received and flushed / replayed. */
  receivedLsn?: string;
  replayedLsn?: string;
  /** Standby: bytes behind (the primary's current LSN when known, else its own received LSN). */
  lagBytes?: number;
  /** Standby: seconds behind (0 when it has replayed all it received). */
  lagSeconds?: number;
  /** Standby: its sync state as the primary reports it (sync, async, potential, quorum), or `disconnected`. */
  syncState?: string;
  /** Standby: replay paused (pg_wal_replay_pause). */
  replayPaused?: boolean;
  /** Standby: where its WAL receiver streams from, how, and on which timeline. */
  upstream?: { host: string; port: number; status: string; timeline: number };
  /** Primary: its connected standbys. */
  replicas?: ReplicaView[];
}

export interface PromoteResult {
  region: string;
  promoted: boolean;
  /** It was a primary already: nothing was done (a retried or repeated promotion). */
  alreadyPrimary: boolean;
  identity: NodeIdentity;
  lsn: string;
  tookMs: number;
  /** ms from the start to each milestone (connected, signalled, recovered, writable), when measured. */
  phasesMs?: Record<string, number>;
}

export type FenceMode = 'readOnly' | 'stop';

export interface FenceOptions {
  /** Refuse (WRONG_NODE) unless the node has this system identifier (and timeline, when given). */
  expect?: Partial<NodeIdentity>;
  mode?: FenceMode;
  /** A local node that does not answer SQL (hung) is killed (SIGKILL of its process group). Default true. */
  killUnreachable?: boolean;
  timeoutMs?: number;
}

export interface FenceResult {
  region: string;
  /** It can no longer accept writes (or, unreachable and not local, false: only the router keeps traffic away). */
  fenced: boolean;
  alreadyFenced: boolean;
  method: 'readOnly' | 'stopped' | 'killed' | 'standby' | 'notRunning' | 'unreachable';
  identity?: NodeIdentity;
  /** Client sessions ended so none keeps writing under the old setting. */
  terminatedSessions?: number;
}

export interface TableDigest {
  rows: number;
  /** md5 over the sorted md5 of every row's text: order-independent, equal iff the row sets are equal (barring md5 collisions). */
  checksum: string;
}

export interface RejoinOptions {
  method?: 'auto' | 'rewind' | 'basebackup';
  timeoutMs?: number;
}

export interface RejoinResult {
  region: string;
  primary: string;
  /** It already streamed from that primary: nothing was done. */
  alreadyStandby: boolean;
  /** repoint: a running standby told to follow the new primary (primary_conninfo + reload). */
  method: 'none' | 'repoint' | 'rewind' | 'basebackup';
  tookMs: number;
  /** Why rewinding was not enough, when it fell back to a new base backup. */
  fallbackReason?: string;
}

export interface ReplicationAdapter {
  status(node: ResolvedNode, timeoutMs?: number): Promise<NodeStatus>;
  /** Makes a standby the primary and waits until it accepts writes; a primary returns alreadyPrimary. */
  promote(node: ResolvedNode, options?: { timeoutMs?: number }): Promise<PromoteResult>;
  fence(node: ResolvedNode, options?: FenceOptions): Promise<FenceResult>;
  /** Tries a write (rolled back): does this node accept writes right now? */
  acceptsWrites(node: ResolvedNode, timeoutMs?: number): Promise<boolean>;
  digest(node: ResolvedNode, tables: string[]): Promise<Record<string, TableDigest>>;
  /** Makes `node` a standby streaming from `primary`. */
  rejoin(node: ResolvedNode, primary: ResolvedNode, options?: RejoinOptions): Promise<RejoinResult>;
}

/** A refusal that retrying cannot change (wrong node, not a primary...). */
export class ReplicationError extends GenieError {
  constructor(
    readonly code: 'WRONG_NODE' | 'NOT_PRIMARY' | 'SPLIT_BRAIN_RISK' | 'PROMOTE_TIMEOUT' | 'FENCE_FAILED' | 'REJOIN_FAILED' | 'NO_PRIMARY' | 'BAD_REGION',
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}
