/**
 * The failover demo environment, on loopback under one temporary directory: N regions, each
 * a real PostgreSQL node (r1 the primary from initdb, the others standbys cloned with
 * pg_basebackup -R and streaming from it, optionally synchronous) and a region app writing
 * to it, with the traffic router in front: route `app` has one pool per region, all traffic
 * on the primary's. `genie demo failover`, the replication tests and the failover bench use it.
 *
 * Everything started is stopped by stop(), and, should the starter die first, by an exit
 * hook that kills the servers' process groups, so no test failure leaves PostgreSQL behind.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { genieArgv, Supervisor } from '../process';
import { RouterAdminClient } from '../router/admin-client';
import type { RouterConfig } from '../router/config-schema';
import { postgresBindir } from './binaries';
import { cloneFrom, initCluster, logFileOf, postmasterPid, signalPostgres, startPostgres, stopPostgres } from './local-node';
import type { PgNodeSpec } from './node-spec';
import { postgresUser } from './os-user';
import { WRITES_DDL } from './region-app';
import { writeRegionsFile, type RegionsFile } from './regions-file';
import { withNode } from './sql';

export interface FailoverEnvironmentOptions {
  /** Region names, or how many (default 3: r1, r2, r3). The first starts as the primary. */
  regions?: number | string[];
  /** Synchronous replication: the primary commits only once ANY 1 standby has the WAL (default false). */
  synchronous?: boolean;
  /** The router's upstream timeout (default 2s): how long a request may wait on a hung region. */
  upstreamTimeout?: string;
  /** The router admin token (default: a random one, also written to <dir>/router-token, mode 0600). */
  token?: string;
  /** Where everything lives (default: a new temporary directory that stop() removes). */
  dir?: string;
  /** The router route (default `app`). */
  route?: string;
  log?: (line: string) => void;
}

export interface RegionHandle {
  name: string;
  /** The router pool this region's app is in. */
  pool: string;
  appUrl: string;
  pg: { host: string; port: number; dataDir: string; logFile: string; readonly pid: number | undefined };
  /** The node as the replication code takes it. */
  spec: PgNodeSpec;
}

export type RegionSignal = 'SIGKILL' | 'SIGSTOP';
/** What a kill hits: the whole region (default), only its database, or only its app. */
export type RegionPart = 'all' | 'postgres' | 'app';

export interface FailoverEnvironment {
  dir: string;
  /** The regions file (what GENIE_REGIONS names for a worker). */
  regionsFile: string;
  regions: RegionHandle[];
  route: string;
  routerUrl: string;
  adminUrl: string;
  token: string;
  synchronous: boolean;
  region(name: string): RegionHandle;
  /** Signals a region's app and/or PostgreSQL (every process of its group). */
  kill(region: string, signal: RegionSignal, part?: RegionPart): Promise<void>;
  /** Sends all of the route's traffic to `region`'s pool (the router admin API); returns the previous weights. */
  switchTraffic(region: string): Promise<Record<string, number>>;
  /** Continues stopped processes and restarts a dead app. A killed PostgreSQL is not restarted: rejoin it as a standby. */
  resume(region: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function regionNames(regions: FailoverEnvironmentOptions['regions']): string[] {
  const names = Array.isArray(regions) ? regions : Array.from({ length: regions ?? 3 }, (_, i) => `r${i + 1}`);
  if (names.length < 2) throw new Error('a failover environment needs at least 2 regions');
  for (const n of names)
    if (!/^[a-z][a-z0-9_]{0,30}$/.test(n))
      throw new Error(`region name ${JSON.stringify(n)}: use lowercase letters, digits and _ (it is also a PostgreSQL cluster_name)`);
  if (new Set(names).size !== names.length) throw new Error('region names must differ');
  return names;
}

export function failoverRouterConfig(regions: Array<{ pool: string; appUrl: string }>, route: string, upstreamTimeout: string): RouterConfig {
  return {
    pools: Object.fromEntries(regions.map((r) => [r.pool, { origins: [r.appUrl] }])),
    routes: { [route]: { match: { pathPrefix: '/' }, weights: Object.fromEntries(regions.map((r, i) => [r.pool, i === 0 ? 100 : 0])) } },
    defaults: { timeout: upstreamTimeout, connectTimeout: '500ms' },
  };
}

/** Waits until the node accepts connections (a standby: once consistent). */
async function waitConnectable(spec: PgNodeSpec, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await withNode(spec, async (s) => s.query('SELECT 1'), 1_000);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`region ${spec.region}: PostgreSQL did not accept connections within ${ms} ms: ${(error as Error).message}`);
      await sleep(50);
    }
  }
}

/** Waits until the primary sees every standby streaming (and, synchronous, one of them as sync/quorum). */
async function waitStreaming(primary: PgNodeSpec, standbys: string[], ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await withNode(primary, (s) => s.query("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"), 2_000).catch(() => []);
    const streaming = new Set(rows.map((r) => r.application_name));
    if (standbys.every((s) => streaming.has(s))) return;
    if (Date.now() > deadline)
      throw new Error(`standbys ${standbys.filter((s) => !streaming.has(s)).join(', ')} are not streaming from ${primary.region} after ${ms} ms`);
    await sleep(50);
  }
}

/** Runs `start` on a free port, with a new one when it was taken meanwhile. */
async function onFreePort(start: (port: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await start(await freePort());
      return;
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

/** Starts the node on a fresh free port, trying another when the port was taken before the postmaster bound it. */
async function startOnFreePort(spec: PgNodeSpec): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    spec.port = await freePort();
    try {
      await startPostgres(spec);
      return;
    } catch (error) {
      if (attempt >= 3 || !/could not bind|Address already in use/i.test((error as Error).message)) throw error;
    }
  }
}

export async function startFailoverEnvironment(options: FailoverEnvironmentOptions = {}): Promise<FailoverEnvironment> {
  const names = regionNames(options.regions);
  const bindir = postgresBindir();
  const user = postgresUser();
  const log = options.log ?? (() => undefined);
  const temporary = options.dir === undefined;
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'genie-failover-'));
  fs.mkdirSync(dir, { recursive: true });
  // The PostgreSQL user must reach <dir>/pg; it needs to traverse, not to read, the rest.
  fs.chmodSync(dir, 0o711);
  const route = options.route ?? 'app';
  const synchronous = options.synchronous ?? false;
  const token = options.token ?? randomBytes(32).toString('base64url');
  const host = '127.0.0.1';
  const supervisor = new Supervisor({ dir: path.join(dir, 'processes'), log });
  const specs: PgNodeSpec[] = [];
  // Ports are picked right before each server starts (and picked again if taken meanwhile): a
  // port found free early can be handed to some connection's ephemeral end before we bind it.
  for (const name of names) {
    specs.push({
      region: name,
      host,
      port: 0,
      database: 'postgres',
      user: 'postgres',
      dataDir: path.join(dir, 'pg', name),
      logFile: path.join(dir, 'pg', `${name}.log`),
      bindir,
      ...(user.switch ? { osUser: user.name } : {}),
    });
  }
  const appPorts: number[] = names.map(() => 0);
  let routerPort = 0;
  let adminPort = 0;

  // From here on anything started must be stopped, even if the starter dies.
  let stopped = false;
  const killEverything = () => {
    for (const spec of specs) signalPostgres(spec, 'SIGKILL');
    for (const p of supervisor.list())
      if (p.pid)
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    if (temporary) fs.rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => {
    if (!stopped) killEverything();
  };
  process.once('exit', onExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    for (const p of supervisor.list())
      if (p.pid)
        try {
          process.kill(-p.pid, 'SIGCONT');
        } catch {
          /* gone */
        }
    await Promise.all(supervisor.list().map((p) => supervisor.stop(p.name, { graceMs: 3_000 }).catch(() => undefined)));
    await Promise.all(specs.map((s) => stopPostgres(s, { mode: 'immediate', graceMs: 5_000 }).catch(() => signalPostgres(s, 'SIGKILL'))));
    if (temporary) fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [primary, ...standbys] = specs as [PgNodeSpec, ...PgNodeSpec[]];
    const t0 = Date.now();
    // 1 MB WAL segments: promotion rewrites the whole last segment (see SharedSettings.walSegmentSizeMb).
    await initCluster(primary, { synchronousStandbyNames: synchronous ? `ANY 1 (${names.join(', ')})` : '', walSegmentSizeMb: 1 });
    await startOnFreePort(primary);
    await waitConnectable(primary);
    // synchronous_commit local: the standbys that would acknowledge do not exist yet.
    await withNode(primary, async (s) => {
      await s.query('SET synchronous_commit = local');
      await s.query(WRITES_DDL);
    });
    log(`failover: ${primary.region} initialised and started in ${Date.now() - t0} ms`);
    await Promise.all(
      standbys.map(async (s) => {
        await cloneFrom(s, primary);
        await startOnFreePort(s);
        await waitConnectable(s);
      }),
    );
    await waitStreaming(
      primary,
      standbys.map((s) => s.region),
    );
    log(`failover: ${standbys.length} standby(s) streaming after ${Date.now() - t0} ms`);

    // The apps and the router also bind ports picked a moment earlier: a clash (EADDRINUSE) picks again.
    await Promise.all(
      specs.map((spec, i) =>
        onFreePort(async (port) => {
          appPorts[i] = port;
          await supervisor.start(
            {
              name: `app-${spec.region}`,
              argv: genieArgv([
                'demo',
                'region-app',
                '--region',
                spec.region,
                '--port',
                String(port),
                '--host',
                host,
                '--pg-host',
                spec.host,
                '--pg-port',
                String(spec.port),
              ]),
              port,
              healthUrl: `http://${host}:${port}/health`,
              group: 'failover',
            },
            { replace: true, readyTimeoutMs: 20_000, graceMs: 3_000 },
          );
        }),
      ),
    );
    const regions: RegionHandle[] = specs.map((spec, i) => ({
      name: spec.region,
      pool: spec.region,
      appUrl: `http://${host}:${appPorts[i]}`,
      spec,
      pg: {
        host,
        port: spec.port,
        dataDir: spec.dataDir!,
        logFile: logFileOf(spec),
        get pid() {
          return postmasterPid(spec);
        },
      },
    }));
    const config = failoverRouterConfig(regions, route, options.upstreamTimeout ?? '2s');
    const configFile = path.join(dir, 'router.yaml');
    fs.writeFileSync(configFile, stringify(config), { mode: 0o600 });
    if (!options.token) fs.writeFileSync(path.join(dir, 'router-token'), `${token}\n`, { mode: 0o600 });
    await onFreePort(async (port) => {
      [routerPort, adminPort] = [port, await freePort()];
      await supervisor.start(
        {
          name: 'router',
          argv: genieArgv(['router', '--config', configFile, '--port', String(routerPort), '--admin-port', String(adminPort), '--host', host]),
          env: { GENIE_ROUTER_TOKEN: token },
          port: routerPort,
          healthUrl: `http://${host}:${adminPort}/health`,
          group: 'failover',
        },
        { replace: true, readyTimeoutMs: 20_000, graceMs: 3_000 },
      );
    });
    const adminUrl = `http://${host}:${adminPort}`;
    const regionsFile = path.join(dir, 'regions.yaml');
    const file: RegionsFile = { route, regions: regions.map((r) => ({ name: r.name, appUrl: r.appUrl, pool: r.pool, postgres: r.spec })) };
    writeRegionsFile(regionsFile, file);
    log(`failover: environment ready after ${Date.now() - t0} ms (${dir})`);

    const region = (name: string) => {
      const found = regions.find((r) => r.name === name);
      if (!found) throw new Error(`no region ${name} (regions: ${names.join(', ')})`);
      return found;
    };
    const appGroup = (name: string, signal: NodeJS.Signals) => {
      const pid = supervisor.find(`app-${name}`)?.pid;
      if (pid)
        try {
          process.kill(-pid, signal);
        } catch {
          /* gone */
        }
    };
    return {
      dir,
      regionsFile,
      regions,
      route,
      routerUrl: `http://${host}:${routerPort}`,
      adminUrl,
      token,
      synchronous,
      region,
      kill: async (name, signal, part = 'all') => {
        const r = region(name);
        if (part !== 'app') signalPostgres(r.spec, signal);
        if (part !== 'postgres') appGroup(name, signal);
      },
      switchTraffic: async (name) => {
        const target = region(name);
        const answer = await new RouterAdminClient(adminUrl, token).setWeights(route, Object.fromEntries(regions.map((r) => [r.pool, r === target ? 100 : 0])));
        return answer.previous.weights;
      },
      resume: async (name) => {
        const r = region(name);
        signalPostgres(r.spec, 'SIGCONT');
        appGroup(name, 'SIGCONT');
        // An app whose database is gone answers 503 on /health: do not wait long for it to be "ready".
        if (!supervisor.status(`app-${name}`).running)
          await supervisor.startRecorded(`app-${name}`, { readyTimeoutMs: postmasterPid(r.spec) ? 20_000 : 1_000 }).catch(() => undefined);
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => killEverything());
    throw error;
  }
}
