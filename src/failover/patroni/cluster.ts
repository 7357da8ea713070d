/**
 * The Patroni side of the failover bench: the same three PostgreSQL regions as Genie's
 * environment, but managed by Patroni (one `patroni` per member, etcd 3 from Debian's
 * etcd-server as the DCS) and reached the way Patroni users deploy it: HAProxy in front,
 * `option httpchk GET /primary` against each member's REST API (200 only on the leader),
 * with the same region app (POST /write) writing through HAProxy. Faults hit PostgreSQL
 * only (SIGKILL / SIGSTOP of the leader's postmaster and its backends): Patroni itself
 * keeps running, as it would on a real host whose database died or hung.
 *
 * Settings: the fastest Patroni 4.0.4 accepts (patroni/validator.py: ttl >= 20,
 * loop_wait >= 1, retry_timeout >= 3; config.py: loop_wait + 2*retry_timeout <= ttl).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../../bench/ports';
import { httpRequest } from '../../http/client';
import { postgresBindir } from '../binaries';
import { asUser, chownTo, postgresUser } from '../os-user';
import { startRegionApp, WRITES_DDL, type RegionApp } from '../region-app';
import { patroniBinary } from './setup';

export const PATRONI_SETTINGS = { ttl: 20, loop_wait: 1, retry_timeout: 3 } as const;

export interface PatroniMember {
  name: string;
  pgPort: number;
  apiPort: number;
  dataDir: string;
}

export interface PatroniCluster {
  dir: string;
  members: PatroniMember[];
  /** The region app writing through HAProxy (what the write load POSTs to). */
  appUrl: string;
  haproxyPort: number;
  /** The member whose GET /primary answers 200, or undefined. */
  leader(): Promise<string | undefined>;
  waitForLeader(options?: { not?: string; timeoutMs?: number }): Promise<string>;
  /** Signals the member's postmaster and every backend it forked. */
  fault(member: string, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  /** The whole region dies: the member's Patroni and its PostgreSQL, SIGKILL (what Genie's kill fault does to a region). */
  killMember(member: string): void;
  /** Starts a killed member's Patroni again; it rejoins (pg_rewind) as a replica by itself. */
  restartMember(member: string): void;
  /** Waits until `member` serves as a streaming replica (GET /replica answers 200). */
  waitForReplica(member: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function postgresPids(dataDir: string): number[] {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const children = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...children];
}

export function haproxyConfig(port: number, members: PatroniMember[]): string {
  // As Patroni's docs deploy it: the leader found by its REST API; a member marked down has its sessions cut.
  return [
    'global',
    '  maxconn 200',
    'defaults',
    '  mode tcp',
    '  timeout connect 1s',
    '  timeout client 30m',
    '  timeout server 30m',
    '  timeout check 500ms',
    `listen primary`,
    `  bind 127.0.0.1:${port}`,
    '  option httpchk GET /primary',
    '  http-check expect status 200',
    '  default-server inter 100ms fall 1 rise 1 on-marked-down shutdown-sessions',
    ...members.map((m) => `  server ${m.name} 127.0.0.1:${m.pgPort} check port ${m.apiPort}`),
    '',
  ].join('\n');
}

export async function startPatroniCluster(options: { names?: string[]; synchronous?: boolean; log?: (l: string) => void } = {}): Promise<PatroniCluster> {
  const bin = patroniBinary();
  if (!fs.existsSync(bin)) throw new Error(`Patroni is not installed (${bin} missing): run \`npm run setup:patroni\``);
  const log = options.log ?? (() => undefined);
  const names = options.names ?? ['r1', 'r2', 'r3'];
  const user = postgresUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-patroni-'));
  fs.chmodSync(dir, 0o711);
  const children: ChildProcess[] = [];
  let app: RegionApp | undefined;
  const killAll = () => {
    for (const c of children)
      if (c.pid)
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
  };
  const members: PatroniMember[] = [];
  const patronis = new Map<string, ChildProcess>();
  const stop = async () => {
    process.removeListener('exit', killAll);
    await app?.close().catch(() => undefined);
    for (const m of members)
      for (const pid of postgresPids(m.dataDir))
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          /* gone */
        }
    for (const c of children)
      if (c.pid && c.exitCode === null)
        try {
          process.kill(-c.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
    await new Promise((r) => setTimeout(r, 3_000));
    killAll();
    for (const m of members)
      for (const pid of postgresPids(m.dataDir))
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAll);
  const run = (name: string, cmd: string, args: string[], asPg: boolean) => {
    const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
    const child = spawn(cmd, args, { cwd: dir, detached: true, stdio: ['ignore', out, out], ...(asPg ? asUser(user) : {}) });
    fs.closeSync(out);
    children.push(child);
    return child;
  };
  try {
    const etcdClient = await freePort();
    const etcdPeer = await freePort();
    const etcdDir = path.join(dir, 'etcd');
    run(
      'etcd',
      '/usr/bin/etcd',
      [
        '--name',
        'e1',
        '--data-dir',
        etcdDir,
        '--listen-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster',
        `e1=http://127.0.0.1:${etcdPeer}`,
      ],
      false,
    );
    const bindir = postgresBindir();
    for (const name of names) {
      const member: PatroniMember = { name, pgPort: await freePort(), apiPort: await freePort(), dataDir: path.join(dir, 'pg', name) };
      members.push(member);
    }
    fs.mkdirSync(path.join(dir, 'pg'), { mode: 0o700 });
    chownTo(user, path.join(dir, 'pg'));
    for (const m of members) {
      const config = {
        scope: 'genie-bench',
        name: m.name,
        restapi: { listen: `127.0.0.1:${m.apiPort}`, connect_address: `127.0.0.1:${m.apiPort}` },
        etcd3: { hosts: [`127.0.0.1:${etcdClient}`] },
        bootstrap: {
          dcs: {
            ...PATRONI_SETTINGS,
            maximum_lag_on_failover: 1048576,
            synchronous_mode: options.synchronous ?? true,
            postgresql: {
              use_pg_rewind: true,
              parameters: { wal_level: 'replica', hot_standby: 'on', wal_log_hints: 'on', max_wal_senders: 10, max_replication_slots: 10 },
            },
          },
          initdb: [{ encoding: 'UTF8' }],
        },
        postgresql: {
          listen: `127.0.0.1:${m.pgPort}`,
          connect_address: `127.0.0.1:${m.pgPort}`,
          data_dir: m.dataDir,
          bin_dir: bindir,
          pgpass: path.join(dir, 'pg', `${m.name}.pgpass`),
          authentication: { superuser: { username: 'postgres' }, replication: { username: 'postgres' } },
          pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust'],
          parameters: { unix_socket_directories: path.join(dir, 'pg') },
        },
      };
      const file = path.join(dir, `${m.name}.yml`);
      fs.writeFileSync(file, stringify(config), { mode: 0o644 });
      patronis.set(m.name, run(`patroni-${m.name}`, bin, [file], true));
    }
    const answers = async (m: PatroniMember, check: 'primary' | 'replica') => {
      try {
        return (await httpRequest({ method: 'GET', url: `http://127.0.0.1:${m.apiPort}/${check}`, timeoutMs: 500, breakers: false })).status === 200;
      } catch {
        return false;
      }
    };
    // GET /replica is 200 for any running replica, even one that has stopped streaming; the
    // member's own status says whether its WAL receiver streams from the leader.
    const streaming = async (m: PatroniMember) => {
      if (!(await answers(m, 'replica'))) return false;
      try {
        const status = await httpRequest({ method: 'GET', url: `http://127.0.0.1:${m.apiPort}/patroni`, timeoutMs: 500, breakers: false });
        return (JSON.parse(status.body) as { replication_state?: string }).replication_state === 'streaming';
      } catch {
        return false;
      }
    };
    const waitForReplicaOf = async (m: PatroniMember, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await streaming(m))) {
        if (Date.now() > deadline) throw new Error(`Patroni member ${m.name} not a streaming replica within ${timeoutMs} ms (logs in ${dir})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const leader = async () => {
      const up = await Promise.all(members.map((m) => answers(m, 'primary')));
      return members.find((_, i) => up[i])?.name;
    };
    const waitForLeader = async ({ not, timeoutMs = 60_000 }: { not?: string; timeoutMs?: number } = {}) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const l = await leader();
        if (l && l !== not) return l;
        if (Date.now() > deadline) throw new Error(`no Patroni leader${not ? ` other than ${not}` : ''} within ${timeoutMs} ms (logs in ${dir})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const first = await waitForLeader({ timeoutMs: 120_000 });
    // A trial on a cluster whose replicas are still cloning measures pg_basebackup, not failover.
    await Promise.all(members.filter((m) => m.name !== first).map((m) => waitForReplicaOf(m, 120_000)));
    log(`patroni: ${first} leads, ${members.length - 1} replicas streaming`);
    const haproxyPort = await freePort();
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), haproxyConfig(haproxyPort, members));
    run('haproxy', '/usr/sbin/haproxy', ['-db', '-f', path.join(dir, 'haproxy.cfg')], false);
    const { Client } = await import('pg');
    for (let i = 0; ; i++) {
      const c = new Client({ host: '127.0.0.1', port: haproxyPort, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1_000 });
      try {
        await c.connect();
        await c.query(WRITES_DDL);
        await c.end();
        break;
      } catch (error) {
        await c.end().catch(() => undefined);
        if (i > 100) throw new Error(`cannot write through HAProxy on ${haproxyPort}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    app = await startRegionApp({ region: 'patroni', pg: { host: '127.0.0.1', port: haproxyPort } });
    const member = (name: string) => {
      const m = members.find((x) => x.name === name);
      if (!m) throw new Error(`no Patroni member ${name}`);
      return m;
    };
    const signalPostgres = (m: PatroniMember, signal: NodeJS.Signals) => {
      for (const pid of postgresPids(m.dataDir))
        try {
          process.kill(pid, signal);
        } catch {
          /* gone */
        }
    };
    return {
      dir,
      members,
      appUrl: app.url,
      haproxyPort,
      leader,
      waitForLeader,
      fault: (name, signal) => signalPostgres(member(name), signal),
      killMember: (name) => {
        const m = member(name);
        const p = patronis.get(name);
        if (p?.pid)
          try {
            process.kill(-p.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        signalPostgres(m, 'SIGKILL');
      },
      restartMember: (name) => {
        member(name);
        patronis.set(name, run(`patroni-${name}`, bin, [path.join(dir, `${name}.yml`)], true));
      },
      waitForReplica: (name, timeoutMs = 60_000) => waitForReplicaOf(member(name), timeoutMs),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
