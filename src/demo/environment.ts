/**
 * A live demo environment: the traffic router in front of a `stable` and a `canary` demo
 * service, each its own process (as `genie up` will run them), so runbooks and tests have
 * real targets. The router starts with every request on stable (canary weight 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import type { RouterConfig } from '../router/config-schema';

export interface DemoServiceSpec {
  version?: string;
  /** 0-1. */
  errorRate?: number;
  /** e.g. 20ms. */
  latency?: string;
  jitter?: string;
}

export interface DemoEnvironmentOptions {
  routerPort: number;
  routerAdminPort: number;
  stablePort: number;
  canaryPort: number;
  /** The router's admin token; passed to it in its environment, never on its command line. */
  token: string;
  stable?: DemoServiceSpec;
  canary?: DemoServiceSpec;
  /** Listen address of all three (default 127.0.0.1). */
  host?: string;
  /** Each line the children print, prefixed with their name. */
  log?: (line: string) => void;
  /** How long to wait for each process to answer its health check (default 15 s). */
  readyTimeoutMs?: number;
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

export interface DemoEnvironment {
  router: ProcessHandle & { adminUrl: string };
  stable: ProcessHandle;
  canary: ProcessHandle;
  /** The config the router started with (also written to configFile). */
  config: RouterConfig;
  configFile: string;
  /** Router first (it drains), then the services. */
  stop(): Promise<void>;
}

/** The compiled CLI beside this file: dist/src/demo → dist/src/cli/main.js. */
const GENIE_MAIN = path.join(__dirname, '..', 'cli', 'main.js');

export function demoRouterConfig(stableUrl: string, canaryUrl: string): RouterConfig {
  return {
    pools: { stable: { origins: [stableUrl] }, canary: { origins: [canaryUrl] } },
    routes: { default: { match: { pathPrefix: '/' }, weights: { stable: 100, canary: 0 } } },
    defaults: { timeout: '10s', connectTimeout: '2s' },
  };
}

export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  const host = options.host ?? '127.0.0.1';
  const local = host === '0.0.0.0' ? '127.0.0.1' : host;
  const started: ProcessHandle[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-demo-'));
  const configFile = path.join(dir, 'router.yaml');
  try {
    const service = (name: 'stable' | 'canary', port: number, spec: DemoServiceSpec = {}) => {
      const args = ['demo-service', '--name', name, '--version', spec.version ?? (name === 'stable' ? '1.0.0' : '1.1.0'), '--port', String(port), '--host', host];
      if (spec.errorRate !== undefined) args.push('--error-rate', String(spec.errorRate));
      if (spec.latency !== undefined) args.push('--latency', spec.latency);
      if (spec.jitter !== undefined) args.push('--latency-jitter', spec.jitter);
      const handle = spawnGenie(name, `http://${local}:${port}`, args, {}, options.log);
      started.push(handle);
      return handle;
    };
    const stable = service('stable', options.stablePort, options.stable);
    const canary = service('canary', options.canaryPort, options.canary);
    const config = demoRouterConfig(stable.url, canary.url);
    fs.writeFileSync(configFile, stringify(config), { mode: 0o600 });
    const routerArgs = ['router', '--config', configFile, '--port', String(options.routerPort), '--admin-port', String(options.routerAdminPort), '--host', host];
    const router = Object.assign(spawnGenie('router', `http://${local}:${options.routerPort}`, routerArgs, { GENIE_ROUTER_TOKEN: options.token }, options.log), {
      adminUrl: `http://${local}:${options.routerAdminPort}`,
    });
    started.push(router);
    const timeout = options.readyTimeoutMs ?? 15_000;
    await Promise.all([waitHealthy(stable, `${stable.url}/health`, timeout), waitHealthy(canary, `${canary.url}/health`, timeout), waitHealthy(router, `${router.adminUrl}/health`, timeout)]);
    return {
      router, stable, canary, config, configFile,
      stop: async () => {
        await router.stop();
        await Promise.all([stable.stop(), canary.stop()]);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((p) => p.stop(2_000)));
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts `genie <args>` as a child process. */
export function spawnGenie(name: string, url: string, args: string[], env: Record<string, string> = {}, log?: (line: string) => void): ProcessHandle {
  const child = spawn(process.execPath, [GENIE_MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out += text;
    if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
    if (log) for (const line of text.split('\n')) if (line) log(`[${name}] ${line}`);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, url, child, output: () => out, exited, stop };
}

async function waitHealthy(handle: ProcessHandle, healthUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.child.exitCode !== null) throw new Error(`${handle.name} exited (${handle.child.exitCode}) before it was ready:\n${handle.output()}`);
    try {
      const response = await request(healthUrl, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${handle.name} did not answer ${healthUrl} within ${timeoutMs} ms:\n${handle.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
