/**
 * The PostgreSQL implementation of ReplicationAdapter: SQL through node-postgres for what a
 * server can answer (status, promote, read-only fencing, digests), and the local tools
 * (local-node.ts) for what it cannot (stopping a hung server, pg_rewind, pg_basebackup).
 */
import {
  ReplicationError,
  type FenceOptions,
  type FenceResult,
  type NodeIdentity,
  type NodeStatus,
  type PromoteResult,
  type ReplicaView,
  type ReplicationAdapter,
  type RejoinOptions,
  type RejoinResult,
  type TableDigest,
} from './adapter';
import { controlData, postmasterPid, signalPostgres, stopPostgres } from './local-node';
import type { ResolvedNode } from './node-spec';
import { promoteNode, writeProbe } from './promote-node';
import { rejoinNode } from './rejoin';
import { DEFAULT_SQL_TIMEOUT_MS, lsnDiff, NodeUnreachableError, quoteTable, withNode, type Session } from './sql';

const STATUS_SQL = `
SELECT pg_is_in_recovery() AS in_recovery,
       current_setting('default_transaction_read_only') = 'on' AS read_only,
       (SELECT system_identifier::text FROM pg_control_system()) AS sysid,
       (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END AS walfile,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
       pg_last_wal_receive_lsn()::text AS received_lsn,
       pg_last_wal_replay_lsn()::text AS replayed_lsn,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS paused,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age,
       CASE WHEN pg_is_in_recovery() THEN (SELECT max(('x' || substr(name, 1, 8))::bit(32)::int) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$') END AS wal_tli`;

const RECEIVER_SQL = 'SELECT status, received_tli, sender_host, sender_port FROM pg_stat_wal_receiver';

const REPLICAS_SQL = `
SELECT application_name AS name, state, sync_state, replay_lsn::text AS replay_lsn,
       coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::float8 AS lag_bytes,
       coalesce(extract(epoch FROM replay_lag), 0)::float8 AS lag_seconds
  FROM pg_stat_replication ORDER BY application_name`;

/** The timeline a primary writes on: the first 8 hex digits of its current WAL file's name. */
const timelineOfWalfile = (walfile: string) => parseInt(walfile.slice(0, 8), 16);

async function readStatus(node: ResolvedNode, s: Session): Promise<NodeStatus> {
  const [r] = await s.query(STATUS_SQL);
  const primary = !r!.in_recovery;
  const base: NodeStatus = {
    region: node.region,
    reachable: true,
    role: primary ? 'primary' : 'standby',
    writable: primary && !r!.read_only,
    readOnly: Boolean(r!.read_only),
    identity: { systemIdentifier: String(r!.sysid), timeline: primary ? timelineOfWalfile(String(r!.walfile)) : Number(r!.checkpoint_tli) },
  };
  if (primary) {
    const replicas: ReplicaView[] = (await s.query(REPLICAS_SQL)).map((x) => ({
      name: x.name,
      state: x.state,
      syncState: x.sync_state,
      ...(x.replay_lsn ? { replayLsn: x.replay_lsn } : {}),
      lagBytes: Math.round(Number(x.lag_bytes)),
      lagSeconds: Number(x.lag_seconds),
    }));
    return { ...base, currentLsn: r!.current_lsn, replicas };
  }
  const [receiver] = await s.query(RECEIVER_SQL);
  // A standby's timeline: the one its WAL receiver streams, else the newest its WAL files are on
  // (with the primary dead there is no receiver), never older than its last restartpoint's.
  base.identity!.timeline = Math.max(base.identity!.timeline, Number(receiver?.received_tli ?? 0), Number(r!.wal_tli ?? 0));
  const received = r!.received_lsn ?? undefined;
  const replayed = r!.replayed_lsn ?? undefined;
  const lagBytes = lsnDiff(received, replayed);
  return {
    ...base,
    ...(received ? { receivedLsn: received } : {}),
    ...(replayed ? { replayedLsn: replayed } : {}),
    lagBytes,
    lagSeconds: lagBytes === 0 ? 0 : Math.max(0, Number(r!.replay_age ?? 0)),
    replayPaused: Boolean(r!.paused),
    ...(receiver
      ? {
          upstream: {
            host: String(receiver.sender_host ?? ''),
            port: Number(receiver.sender_port ?? 0),
            status: String(receiver.status),
            timeline: Number(receiver.received_tli ?? 0),
          },
        }
      : {}),
  };
}

const unreachable = (node: ResolvedNode, error: unknown): NodeStatus => ({
  region: node.region,
  reachable: false,
  error: (error as Error).message,
  role: 'unknown',
  writable: false,
  readOnly: false,
});

/** The node's identity check before a destructive act: refuses (WRONG_NODE) on any mismatch. */
export function checkIdentity(node: ResolvedNode, actual: NodeIdentity | undefined, expect: Partial<NodeIdentity> | undefined): void {
  if (!expect || !actual) return;
  const wrong: string[] = [];
  if (expect.systemIdentifier !== undefined && expect.systemIdentifier !== actual.systemIdentifier)
    wrong.push(`system identifier ${actual.systemIdentifier} (expected ${expect.systemIdentifier})`);
  if (expect.timeline !== undefined && expect.timeline !== actual.timeline) wrong.push(`timeline ${actual.timeline} (expected ${expect.timeline})`);
  if (wrong.length > 0) {
    throw new ReplicationError(
      'WRONG_NODE',
      `refusing to act on region ${node.region} (${node.host}:${node.port}): it has ${wrong.join(' and ')}; it is not the node the caller meant (re-read replication.status)`,
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PostgresAdapter implements ReplicationAdapter {
  async status(node: ResolvedNode, timeoutMs = DEFAULT_SQL_TIMEOUT_MS): Promise<NodeStatus> {
    try {
      return await withNode(node, (s) => readStatus(node, s), timeoutMs);
    } catch (error) {
      if (error instanceof NodeUnreachableError || isConnectionLoss(error)) return unreachable(node, error);
      throw error;
    }
  }

  async promote(node: ResolvedNode, options: { timeoutMs?: number } = {}): Promise<PromoteResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const freshSessionWrites = () => this.acceptsWrites(node);
    try {
      return await promoteNode(node, timeoutMs, freshSessionWrites);
    } catch (error) {
      if (error instanceof NodeUnreachableError) throw new ReplicationError('PROMOTE_TIMEOUT', `cannot promote region ${node.region}: ${error.message}`, true);
      // The session broke mid-promotion (the server restarting, say): every step is idempotent, so once more on a fresh one.
      if (error instanceof ReplicationError || !isConnectionLoss(error)) throw error;
      return promoteNode(node, timeoutMs, freshSessionWrites);
    }
  }

  async acceptsWrites(node: ResolvedNode, timeoutMs = DEFAULT_SQL_TIMEOUT_MS): Promise<boolean> {
    try {
      return await withNode(node, writeProbe, timeoutMs);
    } catch {
      return false;
    }
  }

  async fence(node: ResolvedNode, options: FenceOptions = {}): Promise<FenceResult> {
    const mode = options.mode ?? 'readOnly';
    const timeoutMs = options.timeoutMs ?? 10_000;
    const status = await this.status(node, Math.min(timeoutMs, 1_500));
    if (!status.reachable) return this.fenceUnreachable(node, options);
    checkIdentity(node, status.identity, options.expect);
    const identity = status.identity!;
    if (status.role === 'standby') return { region: node.region, fenced: true, alreadyFenced: true, method: 'standby', identity };
    if (mode === 'stop' && node.dataDir) {
      const r = await stopPostgres(node, { mode: 'fast', graceMs: Math.max(1_000, timeoutMs - 2_000) });
      return { region: node.region, fenced: true, alreadyFenced: !r.wasRunning, method: r.killed ? 'killed' : 'stopped', identity };
    }
    const already = status.readOnly;
    const terminated = await withNode(
      node,
      async (s) => {
        if (!already) {
          await s.query('ALTER SYSTEM SET default_transaction_read_only = on');
          await s.query('SELECT pg_reload_conf()');
        }
        // Sessions in a transaction keep writing until it ends: end them all. New sessions start read-only.
        const rows = await s.query(
          "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
        );
        return Number(rows[0]!.n);
      },
      timeoutMs,
    );
    // The reload reaches backends asynchronously; the fence holds only once a fresh session cannot write.
    const deadline = Date.now() + timeoutMs;
    while (await this.acceptsWrites(node)) {
      if (Date.now() > deadline)
        throw new ReplicationError('FENCE_FAILED', `region ${node.region} still accepts writes ${timeoutMs} ms after being set read-only`, true);
      await sleep(20);
    }
    return { region: node.region, fenced: true, alreadyFenced: already, method: 'readOnly', identity, terminatedSessions: terminated };
  }

  /** No SQL answer: a local node is checked by its control file and killed; a remote one cannot be fenced from here. */
  private async fenceUnreachable(node: ResolvedNode, options: FenceOptions): Promise<FenceResult> {
    if (!node.dataDir) return { region: node.region, fenced: false, alreadyFenced: false, method: 'unreachable' };
    if (postmasterPid(node) === undefined) return { region: node.region, fenced: true, alreadyFenced: true, method: 'notRunning' };
    const control = await controlData(node);
    // The control file's timeline is the last checkpoint's: the system identifier is the reliable part here.
    checkIdentity(
      node,
      { systemIdentifier: control.systemIdentifier, timeline: control.timeline },
      options.expect?.systemIdentifier !== undefined ? { systemIdentifier: options.expect.systemIdentifier } : undefined,
    );
    if (options.killUnreachable === false) return { region: node.region, fenced: false, alreadyFenced: false, method: 'unreachable' };
    // A hung (stopped) server cannot shut down gracefully; SIGKILL works on a stopped process.
    signalPostgres(node, 'SIGKILL');
    await stopPostgres(node, { mode: 'immediate', graceMs: 2_000 });
    return {
      region: node.region,
      fenced: true,
      alreadyFenced: false,
      method: 'killed',
      identity: { systemIdentifier: control.systemIdentifier, timeline: control.timeline },
    };
  }

  async digest(node: ResolvedNode, tables: string[]): Promise<Record<string, TableDigest>> {
    return withNode(
      node,
      async (s) => {
        const out: Record<string, TableDigest> = {};
        for (const table of tables) {
          const [r] = await s.query(
            `SELECT count(*)::bigint AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS checksum FROM (SELECT md5(t::text) AS h FROM ${quoteTable(table)} t) x`,
          );
          out[table] = { rows: Number(r!.rows), checksum: String(r!.checksum) };
        }
        return out;
      },
      30_000,
    );
  }

  async rejoin(node: ResolvedNode, primary: ResolvedNode, options: RejoinOptions = {}): Promise<RejoinResult> {
    return rejoinNode(this, node, primary, options);
  }
}

/** The connection broke mid-query (server killed or shutting down). */
function isConnectionLoss(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return /terminat|Connection terminated|ECONNRESET|ECONNREFUSED|timeout|shutting down|57P0[1-3]/i.test(`${e.code ?? ''} ${e.message ?? ''}`);
}
