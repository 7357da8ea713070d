/**
 * A live demo environment: the traffic router in front of a `stable` and a `canary` demo
 * service, each its own process run by the process supervisor (src/process/), so runbooks
 * and tests have real targets that any worker can find, restart or replace (`deploy.start`,
 * `process.restart`). The router starts with every request on stable (canary weight 0).
 *
 * `genie up` runs it in the project's process directory; tests and callers that give no
 * directory get a temporary one that `stop()` removes.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { stateDir } from '../paths';
import { defaultProcessDir, genieArgv, Supervisor, type AutoRestartPolicy, type ProcessSpec } from '../process';
import type { RouterConfig } from '../router/config-schema';
import { port as envPort } from '../temporal/config';

export interface DemoServiceSpec {
  version?: string;
  /** 0-1. */
  errorRate?: number;
  errorStatus?: number;
  /** e.g. 20ms. */
  latency?: string;
  jitter?: string;
  distribution?: 'uniform' | 'normal' | 'exponential';
  /** Extra answer fields (demo-service --field), e.g. a changed field for a shadow test. */
  fields?: Record<string, unknown>;
}

export interface DemoEnvironmentOptions {
  routerPort: number;
  routerAdminPort: number;
  stablePort: number;
  canaryPort: number;
  /** The router's admin token; passed to it in its environment, never on its command line or to disk. */
  token: string;
  stable?: DemoServiceSpec;
  canary?: DemoServiceSpec;
  /** Listen address of all three (default 127.0.0.1). */
  host?: string;
  /** How long to wait for each process to answer its health check (default 15 s). */
  readyTimeoutMs?: number;
  /** The supervisor's directory (default: a temporary one, removed by stop()). */
  processDir?: string;
  /** The route that splits traffic between the pools (default `default`; `genie up` uses `app`). */
  route?: string;
  /** Label on the three processes, for stopping them together (default `demo`). */
  group?: string;
  /** Restart stable and canary automatically when they die (default off: the self-healing runbook's job). */
  autoRestart?: AutoRestartPolicy;
  /** What the supervisor did, a line at a time. */
  log?: (line: string) => void;
}

/** A process of the environment; the supervisor knows it by `name`. */
export interface DemoProcess {
  name: string;
  url: string;
  pid: number;
  /** The end of its log (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<void>;
}

export interface DemoEnvironment {
  router: DemoProcess & { adminUrl: string };
  stable: DemoProcess;
  canary: DemoProcess;
  /** The config the router started with (also written to configFile). */
  config: RouterConfig;
  configFile: string;
  route: string;
  supervisor: Supervisor;
  /** Router first (it drains), then the services. */
  stop(): Promise<void>;
}

export const DEMO_GROUP = 'demo';
/** The supervisor names of the environment's processes (what `process.restart` takes). */
export const DEMO_NAMES = { router: 'router', stable: 'stable', canary: 'canary' } as const;

export function demoRouterConfig(stableUrl: string, canaryUrl: string, route = 'default'): RouterConfig {
  return {
    pools: { stable: { origins: [stableUrl] }, canary: { origins: [canaryUrl] } },
    routes: { [route]: { match: { pathPrefix: '/' }, weights: { stable: 100, canary: 0 } } },
    defaults: { timeout: '10s', connectTimeout: '2s' },
  };
}

const localHost = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host);

/** How the supervisor runs `genie demo-service` for `service` at `version` on `port`. */
export function demoServiceProcess(options: {
  service: string;
  version: string;
  port: number;
  host?: string;
  spec?: DemoServiceSpec;
  group?: string;
  autoRestart?: AutoRestartPolicy;
}): ProcessSpec {
  const host = options.host ?? '127.0.0.1';
  const spec = options.spec ?? {};
  const args = ['demo-service', '--name', options.service, '--version', options.version, '--port', String(options.port), '--host', host];
  if (spec.errorRate !== undefined) args.push('--error-rate', String(spec.errorRate));
  if (spec.errorStatus !== undefined) args.push('--error-status', String(spec.errorStatus));
  if (spec.latency !== undefined) args.push('--latency', spec.latency);
  if (spec.jitter !== undefined) args.push('--latency-jitter', spec.jitter);
  if (spec.distribution !== undefined) args.push('--latency-distribution', spec.distribution);
  for (const [key, value] of Object.entries(spec.fields ?? {})) args.push('--field', `${key}=${JSON.stringify(value)}`);
  return {
    name: options.service,
    argv: genieArgv(args),
    // The demo admin endpoint's token, when the operator set one (never written to disk).
    env: process.env.GENIE_DEMO_TOKEN ? { GENIE_DEMO_TOKEN: process.env.GENIE_DEMO_TOKEN } : {},
    version: options.version,
    port: options.port,
    healthUrl: `http://${localHost(host)}:${options.port}/health`,
    ...(options.group !== undefined ? { group: options.group } : {}),
    ...(options.autoRestart !== undefined ? { autoRestart: options.autoRestart } : {}),
  };
}

export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  const host = options.host ?? '127.0.0.1';
  const local = localHost(host);
  const temporary = options.processDir === undefined;
  const dir = options.processDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'genie-demo-'));
  const supervisor = new Supervisor({ dir, ...(options.log ? { log: options.log } : {}) });
  const group = options.group ?? DEMO_GROUP;
  const route = options.route ?? 'default';
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  // The environment owns these names: whatever ran under them before (a deploy, a crashed `genie up`) is replaced.
  const startOptions = { replace: true, readyTimeoutMs, graceMs: 5_000 };
  const handle = (name: string, url: string, pid: number): DemoProcess => ({
    name,
    url,
    pid,
    output: () => supervisor.logTail(name, 64 * 1024),
    stop: async (graceMs?: number) => {
      await supervisor.stop(name, graceMs === undefined ? {} : { graceMs });
    },
  });
  const started: string[] = [];
  try {
    const service = async (name: 'stable' | 'canary', port: number, spec: DemoServiceSpec = {}) => {
      const version = spec.version ?? (name === 'stable' ? '1.0.0' : '1.1.0');
      started.push(name);
      const { status } = await supervisor.start(
        demoServiceProcess({ service: name, version, port, host, spec, group, ...(options.autoRestart ? { autoRestart: options.autoRestart } : {}) }),
        startOptions,
      );
      return handle(name, `http://${local}:${port}`, status.pid!);
    };
    const [stable, canary] = await Promise.all([service('stable', options.stablePort, options.stable), service('canary', options.canaryPort, options.canary)]);
    const config = demoRouterConfig(stable.url, canary.url, route);
    // Beside the state files: a restart from another process reads the same config.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const configFile = path.join(dir, 'router.yaml');
    fs.writeFileSync(configFile, stringify(config), { mode: 0o600 });
    const adminUrl = `http://${local}:${options.routerAdminPort}`;
    started.push(DEMO_NAMES.router);
    const { status } = await supervisor.start(
      {
        name: DEMO_NAMES.router,
        argv: genieArgv([
          'router',
          '--config',
          configFile,
          '--port',
          String(options.routerPort),
          '--admin-port',
          String(options.routerAdminPort),
          '--host',
          host,
        ]),
        env: { GENIE_ROUTER_TOKEN: options.token },
        port: options.routerPort,
        healthUrl: `${adminUrl}/health`,
        group,
      },
      startOptions,
    );
    const router = Object.assign(handle(DEMO_NAMES.router, `http://${local}:${options.routerPort}`, status.pid!), { adminUrl });
    return {
      router,
      stable,
      canary,
      config,
      configFile,
      route,
      supervisor,
      stop: async () => {
        await router.stop();
        await Promise.all([stable.stop(), canary.stop()]);
        if (temporary) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((name) => supervisor.stop(name, { graceMs: 2_000 }).catch(() => undefined)));
    if (temporary) fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `genie up`'s demo ports and listen address, from the environment. */
export function demoSettings(): { host: string; routerPort: number; routerAdminPort: number; stablePort: number; canaryPort: number } {
  return {
    host: process.env.GENIE_DEMO_HOST || '127.0.0.1',
    routerPort: envPort('GENIE_ROUTER_PORT', 18080),
    routerAdminPort: envPort('GENIE_ROUTER_ADMIN_PORT', 18090),
    stablePort: envPort('GENIE_STABLE_PORT', 18081),
    canaryPort: envPort('GENIE_CANARY_PORT', 18082),
  };
}

/**
 * The router admin token for `genie up`: GENIE_ROUTER_TOKEN, else one generated once and kept
 * in <state dir>/router-token (mode 0600), so a restarted `genie up` still speaks to a router
 * that outlived it. Never printed.
 */
export function routerToken(): { token: string; source: string } {
  if (process.env.GENIE_ROUTER_TOKEN) return { token: process.env.GENIE_ROUTER_TOKEN, source: 'GENIE_ROUTER_TOKEN' };
  const file = path.join(stateDir(), 'router-token');
  try {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (saved) return { token: saved, source: file };
  } catch {
    // First start: make one.
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: file };
}

export interface LocalDemo {
  environment: DemoEnvironment;
  /** What to tell the user: URLs, where the token is, the process directory. */
  summary: string[];
  /** Stops the auto-restart watcher and every process of the demo group (also those deploy.start added). */
  stop(): Promise<void>;
}

/**
 * The demo environment `genie up` runs in the project's process directory, with the route
 * `app` split between the pools `stable` and `canary`, and the variables the in-process
 * worker's actions need (GENIE_ROUTER_ADMIN_URL, GENIE_ROUTER_TOKEN, GENIE_DEPLOY_PORTS).
 * GENIE_DEMO=off skips it; a failure to start is reported and not fatal (Temporal and the
 * worker are still useful without it).
 */
export async function startLocalDemo(log: (line: string) => void): Promise<LocalDemo | undefined> {
  if (process.env.GENIE_DEMO === 'off') return undefined;
  let environment: DemoEnvironment;
  const { token, source } = routerToken();
  const ports = demoSettings();
  try {
    const autoRestart = process.env.GENIE_DEMO_AUTO_RESTART === 'on' ? { enabled: true, initialBackoffMs: 1_000, maxBackoffMs: 30_000 } : undefined;
    environment = await startDemoEnvironment({ ...ports, token, processDir: defaultProcessDir(), route: 'app', log, ...(autoRestart ? { autoRestart } : {}) });
  } catch (error) {
    log(
      `demo environment not started: ${(error as Error).message.split('\n')[0]} (GENIE_DEMO=off skips it; ports: GENIE_ROUTER_PORT, GENIE_ROUTER_ADMIN_PORT, GENIE_STABLE_PORT, GENIE_CANARY_PORT)`,
    );
    return undefined;
  }
  process.env.GENIE_ROUTER_ADMIN_URL = environment.router.adminUrl;
  process.env.GENIE_ROUTER_TOKEN = token;
  process.env.GENIE_DEPLOY_PORTS = `stable=${ports.stablePort},canary=${ports.canaryPort}`;
  const watcher = environment.supervisor.watch();
  const { stable, canary, router, supervisor } = environment;
  const summary = [
    `Demo router: ${router.url} (route "app": stable 100 / canary 0)   admin API: ${router.adminUrl} (bearer token from ${source})`,
    `  stable ${supervisor.find('stable')?.version} ${stable.url}   canary ${supervisor.find('canary')?.version} ${canary.url}   (processes: ${supervisor.dir})`,
  ];
  return {
    environment,
    summary,
    stop: async () => {
      await watcher.stop();
      await router.stop();
      await supervisor.stopGroup(DEMO_GROUP);
    },
  };
}

export interface ProcessHandle {
  name: string;
  url: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `genie <args>` as a plain child process of this one (not supervised): for
 * benchmarks that measure one process's CPU and want it gone with them.
 */
export function spawnGenie(name: string, url: string, args: string[], env: Record<string, string> = {}, log?: (line: string) => void): ProcessHandle {
  const argv = genieArgv(args);
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out += text;
    if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
    if (log) for (const line of text.split('\n')) if (line) log(`[${name}] ${line}`);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, url, child, output: () => out, exited, stop };
}
