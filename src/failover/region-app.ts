/**
 * The sample application of one region: an HTTP service writing to its region's local
 * PostgreSQL node, what the failover demo and tests put load on.
 *
 *   POST /write   {seq?, payload?} → inserts a row into genie_writes and answers only after
 *                 the commit (with synchronous replication: after a standby has it too):
 *                 200 {region, id, seq, lsn}; 503 {error, code} when the node refuses
 *                 (a standby, fenced read-only, down) or does not answer in time
 *   GET  /health  a database round trip: 200 {status: ok, region, role, writable}; 503 when the database does not answer
 *   GET  /stats   {region, rows, maxSeq}
 */
import * as http from 'node:http';
import { listenLocal } from '../http/listen';
import { readBody } from '../http/read-body';
import { Pool } from 'pg';

export const WRITES_TABLE = 'genie_writes';
export const WRITES_DDL = `CREATE TABLE IF NOT EXISTS ${WRITES_TABLE} (id bigserial PRIMARY KEY, seq bigint, region text NOT NULL, payload text, written_at timestamptz NOT NULL DEFAULT now())`;

export interface RegionAppOptions {
  region: string;
  port?: number;
  host?: string;
  pg: { host: string; port: number; database?: string; user?: string; password?: string };
  /** How long a write may wait for its commit (default 5 s): a synchronous commit with no standby would wait forever. */
  writeTimeoutMs?: number;
}

export interface RegionApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function startRegionApp(options: RegionAppOptions): Promise<RegionApp> {
  const pool = new Pool({
    host: options.pg.host,
    port: options.pg.port,
    database: options.pg.database ?? 'postgres',
    user: options.pg.user ?? 'postgres',
    ...(options.pg.password ? { password: options.pg.password } : {}),
    max: 16,
    connectionTimeoutMillis: 1_000,
    idleTimeoutMillis: 10_000,
    query_timeout: options.writeTimeoutMs ?? 5_000,
    application_name: `genie-region-app-${options.region}`,
  });
  // A killed or restarted server breaks idle connections; the pool drops them and the next request reconnects.
  pool.on('error', () => undefined);
  const json = (res: http.ServerResponse, status: number, value: unknown) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-region': options.region });
    res.end(body);
  };
  const failure = (res: http.ServerResponse, error: unknown) => {
    const e = error as { message?: string; code?: string };
    json(res, 503, { region: options.region, error: e.message ?? String(error), ...(e.code ? { code: e.code } : {}) });
  };

  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      req.resume();
      pool.query("SELECT pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') = 'on' AS ro").then(
        ({ rows }) =>
          json(res, 200, { status: 'ok', region: options.region, role: rows[0].standby ? 'standby' : 'primary', writable: !rows[0].standby && !rows[0].ro }),
        (error) => json(res, 503, { status: 'down', region: options.region, error: (error as Error).message }),
      );
      return;
    }
    if (req.method === 'GET' && path === '/stats') {
      req.resume();
      pool.query(`SELECT count(*)::bigint AS rows, max(seq) AS max_seq FROM ${WRITES_TABLE}`).then(
        ({ rows }) => json(res, 200, { region: options.region, rows: Number(rows[0].rows), maxSeq: rows[0].max_seq === null ? null : Number(rows[0].max_seq) }),
        (error) => failure(res, error),
      );
      return;
    }
    if (req.method === 'POST' && path === '/write') {
      readBody(req, { maxBytes: MAX_BODY, beyond: 'discard' }).then(
        ({ text, truncated }) => {
          if (truncated) return json(res, 413, { error: `the body is larger than ${MAX_BODY} bytes` });
          let body: { seq?: unknown; payload?: unknown };
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            return json(res, 400, { error: 'the body must be JSON: {"seq": 1, "payload": "..."}' });
          }
          if (body.seq !== undefined && !Number.isSafeInteger(body.seq)) return json(res, 400, { error: 'seq must be an integer' });
          if (body.payload !== undefined && typeof body.payload !== 'string') return json(res, 400, { error: 'payload must be a string' });
          pool
            .query(`INSERT INTO ${WRITES_TABLE} (seq, region, payload) VALUES ($1, $2, $3) RETURNING id, seq, pg_current_wal_lsn()::text AS lsn`, [
              body.seq ?? null,
              options.region,
              body.payload ?? null,
            ])
            .then(
              ({ rows }) =>
                json(res, 200, { region: options.region, id: Number(rows[0].id), seq: rows[0].seq === null ? null : Number(rows[0].seq), lsn: rows[0].lsn }),
              (error) => failure(res, error),
            );
        },
        () => undefined,
      ); // the client went away mid-body: nobody to answer
      return;
    }
    req.resume();
    json(res, 404, { error: 'POST /write, GET /health or GET /stats' });
  });

  const { port, url } = await listenLocal(server, options.port, options.host);
  return {
    url,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      await pool.end().catch(() => undefined);
    },
  };
}
