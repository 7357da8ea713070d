/**
 * One region's PostgreSQL node as the regions file describes it: where to connect and, when
 * the node runs on this host, where its data lives (what fencing by stop and rejoining need).
 */
export interface PgNodeSpec {
  /** The region this node belongs to; also its cluster_name, so its application_name as a standby. */
  region: string;
  host: string;
  port: number;
  /** Default `postgres`. */
  database?: string;
  /** Default `postgres`. */
  user?: string;
  /** A secret:// reference or nothing (trust auth on loopback); never a literal in a file that history may quote. */
  password?: string;
  /** The data directory, when the node runs on this host; needed to stop, rewind or re-clone it. */
  dataDir?: string;
  /** The server's log file (default <dataDir>/../<region>.log). */
  logFile?: string;
  /** Where initdb/postgres/pg_rewind live (default: found, see binaries.ts). */
  bindir?: string;
  /** The OS user the server runs as (default: GENIE_PG_USER / genie-pg when we are root). */
  osUser?: string;
}

/** The node with its password resolved (never written anywhere). */
export type ResolvedNode = PgNodeSpec & { resolvedPassword?: string };

export const where = (n: PgNodeSpec): string => `region ${n.region} (${n.host}:${n.port})`;
