/**
 * Running a PostgreSQL node on this host: initdb, start, stop, signal, clone
 * (pg_basebackup), rewind (pg_rewind) and read its control file (pg_controldata). Every
 * program is spawned as argv (no shell) as the unprivileged PostgreSQL user.
 *
 * Per-node settings (port, listen address, cluster_name) go on the postmaster's command
 * line, never in the data directory: pg_basebackup and pg_rewind copy the data directory's
 * config files from the source, and a copied port would be the source's.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pgBinary, postgresBindir, type PgBinary } from './binaries';
import { asUser, chownTo, postgresUser, type OsUser } from './os-user';
import type { PgNodeSpec } from './node-spec';
import { GenieError } from '../errors/genie-error';

export class LocalNodeError extends GenieError {
  constructor(
    readonly code: 'PG_TOOL_FAILED' | 'PG_START_FAILED' | 'PG_STOP_FAILED' | 'PG_NOT_LOCAL',
    message: string,
  ) {
    super(message);
  }
}

/** The settings every node shares (written into postgresql.conf at initdb; clones copy them). */
export interface SharedSettings {
  /** e.g. `ANY 1 (r1, r2, r3)`; empty = asynchronous replication. */
  synchronousStandbyNames?: string;
  /**
   * WAL segment size in MB (initdb --wal-segsize; default PostgreSQL's 16). A promotion copies the
   * last segment onto the new timeline, zero-filling and fsyncing all of it, so its recovery end
   * takes ≈ 30–70 ms with 16 MB segments and ≈ 7–18 ms with 1 MB on this machine (issue 13 §4).
   */
  walSegmentSizeMb?: number;
}

const userOf = (spec: PgNodeSpec): OsUser => postgresUser(spec.osUser ? { ...process.env, GENIE_PG_USER: spec.osUser } : process.env);
const bindirOf = (spec: PgNodeSpec) => spec.bindir ?? postgresBindir();
export const logFileOf = (spec: PgNodeSpec): string => spec.logFile ?? path.join(path.dirname(requireDataDir(spec)), `${spec.region}.log`);

export function requireDataDir(spec: PgNodeSpec): string {
  if (!spec.dataDir)
    throw new LocalNodeError(
      'PG_NOT_LOCAL',
      `${spec.region}: no dataDir in the regions file, so this host cannot stop, rewind or clone it; add postgres.dataDir for nodes on this host`,
    );
  return spec.dataDir;
}

/** Runs a PostgreSQL program as the node's user; resolves with stdout, or rejects with its stderr. */
export function runTool(spec: PgNodeSpec, tool: PgBinary, args: string[], timeoutMs = 60_000): Promise<string> {
  const user = userOf(spec);
  const cwd = spec.dataDir ? path.dirname(spec.dataDir) : '/';
  // A minimal environment: no PG* variable of ours may redirect the tool to another server.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', HOME: cwd };
  return new Promise((resolve, reject) => {
    execFile(pgBinary(tool, bindirOf(spec)), args, { cwd, env, timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, ...asUser(user) }, (error, stdout, stderr) => {
      if (error)
        reject(
          new LocalNodeError(
            'PG_TOOL_FAILED',
            `${tool} for region ${spec.region} failed: ${String(stderr || error.message)
              .trim()
              .slice(-2_000)}`,
          ),
        );
      else resolve(stdout);
    });
  });
}

/** Creates the data directory's parent for the node's user (0700). */
export function prepareParent(spec: PgNodeSpec): void {
  const parent = path.dirname(requireDataDir(spec));
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  chownTo(userOf(spec), parent);
}

/**
 * initdb with trust auth on loopback (the demo has no passwords), data checksums (pg_rewind
 * needs them or wal_log_hints, and checksums survive every copy), and the shared settings.
 */
export async function initCluster(spec: PgNodeSpec, shared: SharedSettings = {}): Promise<void> {
  const dataDir = requireDataDir(spec);
  prepareParent(spec);
  // --no-sync: a demo cluster that a crash of the whole machine may lose is fine, and it saves seconds.
  await runTool(
    spec,
    'initdb',
    [
      '-D',
      dataDir,
      '-U',
      spec.user ?? 'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--data-checksums',
      '--no-sync',
      '--no-instructions',
      ...(shared.walSegmentSizeMb ? [`--wal-segsize=${shared.walSegmentSizeMb}`] : []),
    ],
    120_000,
  );
  const settings = [
    '',
    '# genie failover environment (shared by every node: clones copy this file)',
    'wal_level = replica',
    'max_wal_senders = 10',
    'max_replication_slots = 10',
    'hot_standby = on',
    'hot_standby_feedback = on',
    'wal_keep_size = 256MB',
    'wal_log_hints = on',
    // The walreceiver reconnects fast after its primary changes (default 5 s).
    'wal_retrieve_retry_interval = 200ms',
    'wal_receiver_status_interval = 1s',
    'max_connections = 60',
    'shared_buffers = 32MB',
    'fsync = on',
    `synchronous_standby_names = '${(shared.synchronousStandbyNames ?? '').replace(/'/g, "''")}'`,
    'synchronous_commit = on',
    'log_min_messages = warning',
    "log_line_prefix = '%m [%p] '",
    '',
  ];
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), settings.join('\n'));
}

/** The postmaster's argv: per-node settings on the command line (see the file comment). */
export function postmasterArgs(spec: PgNodeSpec): string[] {
  return [
    '-D',
    requireDataDir(spec),
    '-p',
    String(spec.port),
    '-c',
    `listen_addresses=${spec.host}`,
    '-c',
    'unix_socket_directories=',
    '-c',
    `cluster_name=${spec.region}`,
  ];
}

/**
 * Starts the postmaster detached (its own process group, so a region kill reaches every
 * backend), logging to the node's log file. Resolves once it has written its pid file; callers
 * wait for connections with waitForConnections.
 */
export async function startPostgres(spec: PgNodeSpec): Promise<number> {
  const dataDir = requireDataDir(spec);
  const user = userOf(spec);
  const running = postmasterPid(spec);
  if (running !== undefined) return running;
  const log = logFileOf(spec);
  const fd = fs.openSync(log, 'a', 0o640);
  chownTo(user, log);
  let child;
  try {
    child = spawn(pgBinary('postgres', bindirOf(spec)), postmasterArgs(spec), {
      cwd: dataDir,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
      ...asUser(user),
    });
  } finally {
    fs.closeSync(fd);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined);
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const pid = postmasterPid(spec);
    if (pid !== undefined && pid === child.pid) return pid;
    const code = await Promise.race([exited, sleep(25).then(() => undefined)]);
    if (code !== undefined) throw new LocalNodeError('PG_START_FAILED', `postgres for region ${spec.region} exited (${code}) at start: ${tail(log)}`);
  }
  throw new LocalNodeError('PG_START_FAILED', `postgres for region ${spec.region} wrote no pid file within 30 s: ${tail(log)}`);
}

/**
 * The running postmaster's pid, from postmaster.pid, confirmed by /proc: the process's
 * working directory is the data directory (the postmaster chdirs there), so a stale pid
 * file whose pid now belongs to another program reads as not running.
 */
export function postmasterPid(spec: PgNodeSpec): number | undefined {
  const dataDir = requireDataDir(spec);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `signal` to the postmaster's whole process group (every backend too). False when it is not running. */
export function signalPostgres(spec: PgNodeSpec, signal: NodeJS.Signals): boolean {
  const pid = postmasterPid(spec);
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Stops the server: fast shutdown (SIGINT: roll back sessions, checkpoint), SIGKILL of the
 * group after `graceMs`. A stopped (SIGSTOP) server is continued first so it can hear the
 * request. Idempotent.
 */
export async function stopPostgres(
  spec: PgNodeSpec,
  options: { mode?: 'fast' | 'immediate'; graceMs?: number } = {},
): Promise<{ wasRunning: boolean; killed: boolean }> {
  const pid = postmasterPid(spec);
  if (pid === undefined) return { wasRunning: false, killed: false };
  signalPostgres(spec, 'SIGCONT');
  process.kill(pid, options.mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
  if (await waitGone(pid, options.graceMs ?? 15_000)) return { wasRunning: true, killed: false };
  signalPostgres(spec, 'SIGKILL');
  if (await waitGone(pid, 5_000)) return { wasRunning: true, killed: true };
  throw new LocalNodeError('PG_STOP_FAILED', `postgres for region ${spec.region} (pid ${pid}) did not exit after SIGKILL`);
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    // A zombie child of ours is gone for every purpose here.
    try {
      if (/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

export interface ControlData {
  systemIdentifier: string;
  /** The timeline of the latest checkpoint. */
  timeline: number;
  state: string;
}

/** pg_controldata: identity and state readable without a running server. */
export async function controlData(spec: PgNodeSpec): Promise<ControlData> {
  const text = await runTool(spec, 'pg_controldata', ['-D', requireDataDir(spec)], 15_000);
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return {
    systemIdentifier: field('Database system identifier'),
    timeline: Number(field("Latest checkpoint's TimeLineID")),
    state: field('Database cluster state'),
  };
}

/** libpq connection string for a tool (pg_basebackup, pg_rewind) reaching `source`. Trust auth: no password. */
export function toolConninfo(source: PgNodeSpec): string {
  return `host=${source.host} port=${source.port} user=${source.user ?? 'postgres'} dbname=${source.database ?? 'postgres'} connect_timeout=5`;
}

/** A standby's data directory cloned from `source` (pg_basebackup -R: standby.signal + primary_conninfo). */
export async function cloneFrom(spec: PgNodeSpec, source: PgNodeSpec): Promise<void> {
  const dataDir = requireDataDir(spec);
  prepareParent(spec);
  fs.rmSync(dataDir, { recursive: true, force: true });
  await runTool(spec, 'pg_basebackup', ['-d', toolConninfo(source), '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], 300_000);
}

/** Rewinds a stopped former primary onto `source`'s timeline and makes it a standby of it (pg_rewind -R). */
export async function rewindOnto(spec: PgNodeSpec, source: PgNodeSpec): Promise<string> {
  return runTool(
    spec,
    'pg_rewind',
    ['--target-pgdata', requireDataDir(spec), '--source-server', toolConninfo(source), '--write-recovery-conf', '--no-sync'],
    300_000,
  );
}

/** Makes a stopped node's data directory start as a standby of `primary`. */
export function writeStandbyConfig(spec: PgNodeSpec, primary: PgNodeSpec): void {
  const dataDir = requireDataDir(spec);
  const user = userOf(spec);
  const signal = path.join(dataDir, 'standby.signal');
  fs.writeFileSync(signal, '');
  chownTo(user, signal);
  const auto = path.join(dataDir, 'postgresql.auto.conf');
  // Keep the other ALTER SYSTEM settings; drop the old upstream and a fence (a standby promoted later must take writes).
  const kept = fs.existsSync(auto)
    ? fs
        .readFileSync(auto, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^\s*(primary_conninfo|primary_slot_name|default_transaction_read_only)\s*=/.test(l))
    : [];
  kept.push(`primary_conninfo = '${toolConninfo(primary).replace(/'/g, "''")}'`);
  fs.writeFileSync(auto, `${kept.join('\n')}\n`);
  chownTo(user, auto);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-1_500).trim();
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
