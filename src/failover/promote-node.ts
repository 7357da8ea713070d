/**
 * Promoting one standby, on the failover's critical path, in ONE SQL session.
 *
 * A profile of a failover (3 regions, 2 cores) showed the old sequence — status, promote,
 * read-only check, write probe, status, each on a fresh connection — at ≈ 75 ms, of which
 * recovery ending took ≈ 27 ms and the rest was five connection setups and the status
 * query (≈ 7 and ≈ 19 ms). Here: one connection, a one-row check, pg_promote(false) and a
 * poll of pg_is_in_recovery() every 2 ms (pg_promote(wait => true) looks only every 100 ms),
 * the write probe in the same session, and identity + LSN in one query.
 *
 * A transaction that starts after recovery ended is read-write in any session (PostgreSQL
 * decides it at transaction start), so the same-session probe proves what a fresh client
 * gets — except after un-fencing (ALTER SYSTEM RESET + reload), which backends see
 * asynchronously: then a fresh session must prove it (`freshSessionWrites`).
 */
import { randomBytes } from 'node:crypto';
import { ReplicationError, type PromoteResult } from './adapter';
import type { ResolvedNode } from './node-spec';
import { DEFAULT_SQL_TIMEOUT_MS, withNode, type Session } from './sql';

const STATE_SQL = `
SELECT pg_is_in_recovery() AS recovering,
       current_setting('default_transaction_read_only') = 'on' AS ro,
       (SELECT count(*) FROM pg_file_settings WHERE name = 'default_transaction_read_only' AND sourcefile LIKE '%postgresql.auto.conf') AS fenced`;

const IDENTITY_SQL = `
SELECT (SELECT system_identifier::text FROM pg_control_system()) AS sysid,
       pg_walfile_name(pg_current_wal_lsn()) AS walfile, pg_current_wal_lsn()::text AS lsn`;

/** How often a promotion in progress is looked at (one round trip on an open session: well under 1 ms locally). */
export const PROMOTE_POLL_MS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real write, rolled back (DDL in a throwaway name): fails on a standby or a read-only node. */
export async function writeProbe(s: Session): Promise<boolean> {
  await s.query('BEGIN');
  try {
    await s.query(`CREATE TABLE genie_write_probe_${randomBytes(6).toString('hex')} (x int)`);
    return true;
  } catch {
    return false;
  } finally {
    await s.query('ROLLBACK').catch(() => undefined);
  }
}

export async function promoteNode(node: ResolvedNode, timeoutMs: number, freshSessionWrites: () => Promise<boolean>): Promise<PromoteResult> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const timedOut = (what: string) => new ReplicationError('PROMOTE_TIMEOUT', `region ${node.region} ${what} within ${timeoutMs} ms`, true);
  let unfenced = false;
  let promoted = false;
  // ms from the start to each milestone: where a slow promotion spent its time.
  const phasesMs: Record<string, number> = {};
  const mark = (name: string) => {
    phasesMs[name] = Date.now() - started;
  };
  const result = await withNode(
    node,
    async (s) => {
      mark('connected');
      const [state] = await s.query(STATE_SQL);
      if (state!.recovering) {
        // Signal, then watch recovery end ourselves (see the file comment).
        const [r] = await s.query('SELECT pg_promote(false) AS signalled').catch(async (error) => {
          // Two promoters racing: the other one's ended recovery first. Only a primary counts as success.
          const [q] = await s.query('SELECT pg_is_in_recovery() AS recovering');
          if (q!.recovering) throw error;
          return [{ signalled: true }];
        });
        if (!r!.signalled) throw new ReplicationError('PROMOTE_TIMEOUT', `region ${node.region} could not be signalled to promote`, true);
        mark('signalled');
        for (;;) {
          const [q] = await s.query('SELECT pg_is_in_recovery() AS recovering');
          if (!q!.recovering) break;
          if (Date.now() > deadline) throw timedOut('did not finish promotion');
          await sleep(PROMOTE_POLL_MS);
        }
        promoted = true;
        mark('recovered');
      }
      // A node fenced read-only earlier and promoted now (failback) must take writes again.
      if (state!.ro || Number(state!.fenced) > 0) {
        await s.query('ALTER SYSTEM RESET default_transaction_read_only');
        await s.query('SELECT pg_reload_conf()');
        unfenced = true;
      } else {
        while (!(await writeProbe(s))) {
          if (Date.now() > deadline) throw timedOut('is primary but did not accept a write');
          await sleep(PROMOTE_POLL_MS);
        }
      }
      mark('writable');
      const [id] = await s.query(IDENTITY_SQL);
      return { sysid: String(id!.sysid), timeline: parseInt(String(id!.walfile).slice(0, 8), 16), lsn: String(id!.lsn) };
    },
    Math.min(timeoutMs, DEFAULT_SQL_TIMEOUT_MS),
  );
  if (unfenced) {
    while (!(await freshSessionWrites())) {
      if (Date.now() > deadline) throw timedOut('is primary but did not accept a write');
      await sleep(20);
    }
  }
  return {
    region: node.region,
    promoted,
    alreadyPrimary: !promoted,
    identity: { systemIdentifier: result.sysid, timeline: result.timeline },
    lsn: result.lsn,
    tookMs: Date.now() - started,
    phasesMs,
  };
}
