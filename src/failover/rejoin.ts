/**
 * Making a node a standby of a (new) primary, least invasive first:
 *   1. it already streams from that primary           → nothing (idempotent retries)
 *   2. it is a running standby of another upstream     → primary_conninfo + reload (repoint)
 *   3. otherwise (old primary, diverged, or down)      → stop, pg_rewind, start as standby
 *   4. pg_rewind impossible (other cluster, WAL gone)  → fresh pg_basebackup (method auto)
 * then waits until it streams from the primary.
 */
import { ReplicationError, type RejoinOptions, type RejoinResult, type ReplicationAdapter } from './adapter';
import * as fs from 'node:fs';
import { cloneFrom, controlData, logFileOf, postmasterPid, rewindOnto, startPostgres, stopPostgres, toolConninfo, writeStandbyConfig } from './local-node';
import type { ResolvedNode } from './node-spec';
import { lsnToBigInt, withNode } from './sql';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Streams from `primary` right now: its WAL receiver says streaming, from that host and port,
 * on the primary's timeline. (A standby that cannot follow the new timeline connects, streams
 * the old one for an instant and is cut off, over and over: the timeline tells them apart.)
 */
async function streamsFrom(adapter: ReplicationAdapter, node: ResolvedNode, primary: ResolvedNode, timeline: number): Promise<boolean> {
  const s = await adapter.status(node, 1_500);
  const u = s.upstream;
  return (
    s.reachable &&
    s.role === 'standby' &&
    u?.status === 'streaming' &&
    u.port === primary.port &&
    (u.host === primary.host || u.host === '') &&
    u.timeline === timeline
  );
}

async function waitStreaming(adapter: ReplicationAdapter, node: ResolvedNode, primary: ResolvedNode, timeline: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await streamsFrom(adapter, node, primary, timeline)) return true;
    if (Date.now() > deadline) return false;
    // A local server that exited (its startup process refused the WAL it found) will never stream.
    if (node.dataDir && postmasterPid(node) === undefined) return false;
    // Repointing the other standbys is on a synchronous failover's write path (a commit needs one
    // of them streaming from the new primary): look often, the streaming starts within tens of ms.
    await sleep(10);
  }
}

/**
 * Whether a standby on `standbyTimeline` at `lsn` has WAL the primary's history does not
 * contain: it went past the point where the primary's timeline forked off its own. Such a
 * standby cannot simply follow (PostgreSQL refuses), so repointing it would only wait in vain.
 */
async function diverged(primary: ResolvedNode, primaryTimeline: number, standbyTimeline: number, lsn: string | undefined): Promise<boolean> {
  if (!lsn || standbyTimeline >= primaryTimeline) return false;
  const file = `pg_wal/${primaryTimeline.toString(16).toUpperCase().padStart(8, '0')}.history`;
  const text = await withNode(primary, async (q) => (await q.query('SELECT pg_read_file($1) AS t', [file]))[0]?.t as string | undefined).catch(() => undefined);
  // Lines: <parent timeline> <switch point LSN> <reason>.
  for (const line of (text ?? '').split('\n')) {
    const [tli, switchpoint] = line.trim().split(/\s+/);
    if (Number(tli) === standbyTimeline && switchpoint && /^[0-9A-F]+\/[0-9A-F]+$/i.test(switchpoint)) return lsnToBigInt(lsn) > lsnToBigInt(switchpoint);
  }
  return false;
}

/** Starts the prepared standby and waits for it to stream; false (and stopped) when it does not. */
async function startAsStandby(adapter: ReplicationAdapter, node: ResolvedNode, primary: ResolvedNode, timeline: number, ms: number): Promise<boolean> {
  writeStandbyConfig(node, primary);
  await startPostgres(node);
  if (await waitStreaming(adapter, node, primary, timeline, ms)) return true;
  await stopPostgres(node, { mode: 'immediate', graceMs: 5_000 });
  return false;
}

export async function rejoinNode(adapter: ReplicationAdapter, node: ResolvedNode, primary: ResolvedNode, options: RejoinOptions = {}): Promise<RejoinResult> {
  const started = Date.now();
  const method = options.method ?? 'auto';
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (node.region === primary.region) throw new ReplicationError('BAD_REGION', `cannot rejoin region ${node.region} to itself`);
  const p = await adapter.status(primary);
  if (!p.reachable || p.role !== 'primary') {
    throw new ReplicationError(
      'NOT_PRIMARY',
      `region ${primary.region} is ${p.reachable ? `a ${p.role}` : `unreachable (${p.error})`}, not a primary to rejoin ${node.region} to`,
      true,
    );
  }
  const done = (m: RejoinResult['method'], extra: Partial<RejoinResult> = {}): RejoinResult => ({
    region: node.region,
    primary: primary.region,
    alreadyStandby: m === 'none',
    method: m,
    tookMs: Date.now() - started,
    ...extra,
  });

  const timeline = p.identity!.timeline;
  if (method === 'auto' && (await streamsFrom(adapter, node, primary, timeline))) return done('none');
  const s = await adapter.status(node);
  if (s.reachable && s.role === 'primary' && s.writable) {
    // Refuse to demote a writable primary: the caller must fence it (and move traffic) first.
    throw new ReplicationError(
      'SPLIT_BRAIN_RISK',
      `region ${node.region} is a writable primary; fence it (replication.fence) before rejoining it as a standby of ${primary.region}`,
    );
  }
  if (
    method === 'auto' &&
    s.reachable &&
    s.role === 'standby' &&
    !(await diverged(primary, p.identity?.timeline ?? 1, s.identity?.timeline ?? 1, s.receivedLsn ?? s.replayedLsn))
  ) {
    await withNode(node, async (q) => {
      await q.query(`ALTER SYSTEM SET primary_conninfo = '${toolConninfo(primary).replace(/'/g, "''")}'`);
      await q.query('SELECT pg_reload_conf()');
    });
    // A standby that received WAL the new primary never had cannot follow it: then it is rewound below.
    if (await waitStreaming(adapter, node, primary, timeline, 5_000)) return done('repoint');
  }
  if (!node.dataDir)
    throw new ReplicationError(
      'REJOIN_FAILED',
      `region ${node.region} must be rewound or re-cloned, which needs its dataDir (postgres.dataDir in the regions file) on this host`,
    );

  await stopPostgres(node, { mode: 'fast', graceMs: 10_000 });
  let used: 'rewind' | 'basebackup' = 'rewind';
  let fallbackReason: string | undefined;
  if (method === 'basebackup') used = 'basebackup';
  else {
    const sameCluster = (await controlData(node).catch(() => undefined))?.systemIdentifier === p.identity?.systemIdentifier;
    if (!sameCluster) {
      if (method === 'rewind')
        throw new ReplicationError(
          'REJOIN_FAILED',
          `region ${node.region} is not a copy of ${primary.region}'s cluster (system identifiers differ); rejoin with method basebackup`,
        );
      used = 'basebackup';
      fallbackReason = 'different system identifier';
    } else {
      try {
        // pg_rewind reads the source's timeline from its control file, which a just-promoted primary
        // updates only at its next checkpoint: without one it sees "the same timeline" and rewinds nothing.
        await withNode(primary, (q) => q.query('CHECKPOINT'), 60_000);
        await rewindOnto(node, primary);
      } catch (error) {
        if (method === 'rewind') throw new ReplicationError('REJOIN_FAILED', (error as Error).message);
        used = 'basebackup';
        fallbackReason = (error as Error).message.slice(0, 500);
      }
    }
  }
  const remaining = () => Math.max(5_000, timeoutMs - (Date.now() - started));
  if (used === 'rewind') {
    // pg_rewind can judge "no rewind required" for a standby that replayed past the fork point
    // (PostgreSQL then refuses to start on the new timeline): with method auto, clone instead.
    if (await startAsStandby(adapter, node, primary, timeline, method === 'auto' ? Math.min(remaining(), 15_000) : remaining())) return done('rewind');
    if (method === 'rewind')
      throw new ReplicationError('REJOIN_FAILED', `region ${node.region} was rewound but does not stream from ${primary.region}: ${logTail(node)}`, true);
    used = 'basebackup';
    fallbackReason = `after pg_rewind it did not stream: ${logTail(node)}`;
  }
  await cloneFrom(node, primary);
  if (!(await startAsStandby(adapter, node, primary, timeline, remaining()))) {
    throw new ReplicationError('REJOIN_FAILED', `region ${node.region} was re-cloned but does not stream from ${primary.region}: ${logTail(node)}`, true);
  }
  return done('basebackup', fallbackReason ? { fallbackReason } : {});
}

/** The last FATAL/ERROR lines of the node's server log: why it did not come up. */
function logTail(node: ResolvedNode): string {
  try {
    const lines = fs
      .readFileSync(logFileOf(node), 'utf8')
      .split('\n')
      .filter((l) => /FATAL|ERROR|PANIC/.test(l));
    return lines.slice(-3).join(' | ').slice(-600) || '(nothing logged)';
  } catch {
    return '(no log)';
  }
}
