/**
 * Short-lived SQL connections to one node (node-postgres). Every call opens its own
 * connection with tight timeouts: a failover decision must not wait on a pooled connection
 * to a server that died, and a hung server must cost at most `timeoutMs`.
 */
import { Client, type QueryResultRow } from 'pg';
import type { ResolvedNode } from './node-spec';
import { GenieError } from '../errors/genie-error';

export const DEFAULT_SQL_TIMEOUT_MS = 2_000;

export class NodeUnreachableError extends GenieError {
  readonly code = 'NODE_UNREACHABLE';
  constructor(
    readonly region: string,
    cause: string,
  ) {
    super(`region ${region}: PostgreSQL unreachable: ${cause}`);
  }
}

export interface Session {
  query<R extends QueryResultRow = Record<string, any>>(text: string, values?: unknown[]): Promise<R[]>;
  pid: number;
}

/** Opens a connection, runs `work`, always closes it. Connect failures are NodeUnreachableError. */
export async function withNode<T>(node: ResolvedNode, work: (session: Session) => Promise<T>, timeoutMs = DEFAULT_SQL_TIMEOUT_MS): Promise<T> {
  const client = new Client({
    host: node.host,
    port: node.port,
    database: node.database ?? 'postgres',
    user: node.user ?? 'postgres',
    ...(node.resolvedPassword !== undefined ? { password: node.resolvedPassword } : {}),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'genie-replication',
  });
  // A server that dies mid-query emits 'error' on the client; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new NodeUnreachableError(node.region, (error as Error).message);
  }
  try {
    const pid = (client as unknown as { processID: number }).processID;
    return await work({ pid, query: async (text, values) => (await client.query(text, values as unknown[])).rows });
  } finally {
    await Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
}

/** `0/3000148` → bytes since the start of WAL. */
export function lsnToBigInt(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]+)\/([0-9A-Fa-f]+)$/.exec(lsn);
  if (!m) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

/** a − b in bytes (0 when either is missing or b is ahead). */
export function lsnDiff(a: string | undefined | null, b: string | undefined | null): number {
  if (!a || !b) return 0;
  const d = lsnToBigInt(a) - lsnToBigInt(b);
  return d > 0n ? Number(d) : 0;
}

export function lsnAtLeast(a: string | undefined | null, b: string): boolean {
  return !!a && lsnToBigInt(a) >= lsnToBigInt(b);
}

/** A table name fit to paste into SQL: `name` or `schema.name`, each part double-quoted. */
export function quoteTable(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/.test(name)) {
    throw new Error(`table ${JSON.stringify(name)} is not a plain name (letters, digits, _; optionally schema.table)`);
  }
  return name
    .split('.')
    .map((p) => `"${p}"`)
    .join('.');
}
