/**
 * The embedded Temporal dev server: `temporal server start-dev` with its state in a SQLite
 * file under .genie/ (WAL), the Web UI, and Genie's search attributes. One per state dir:
 * a pid file says who owns it, so a second `genie up` explains instead of failing obscurely.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes';
import { stateDir } from '../paths';
import { TEMPORAL_CLI, ensureBinary } from './binaries';
import { GenieError } from '../errors/genie-error';

export interface DevServerOptions {
  grpcPort: number;
  uiPort: number;
  /** Defaults to .genie/temporal.sqlite; ':memory:' keeps nothing. */
  dbFile?: string;
  headless?: boolean;
  log?: (line: string) => void;
  /** Where the server's own output goes. */
  logFile?: string;
  /** The codec server the Web UI should call to show encrypted payloads decoded. */
  uiCodecEndpoint?: string;
  extraArgs?: string[];
}

export class ServerAlreadyRunningError extends GenieError {
  readonly code = 'SERVER_ALREADY_RUNNING';
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const pidFile = (): string => path.join(stateDir(), 'temporal-server.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Refuses to start a second server, naming the first one and how to stop it. */
async function checkNotRunning(opts: DevServerOptions): Promise<void> {
  if (fs.existsSync(pidFile())) {
    const owner = JSON.parse(fs.readFileSync(pidFile(), 'utf8')) as { pid: number; grpcPort: number; uiPort: number };
    if (alive(owner.pid)) {
      throw new ServerAlreadyRunningError(
        `Genie's Temporal server is already running (pid ${owner.pid}, gRPC 127.0.0.1:${owner.grpcPort}, UI http://localhost:${owner.uiPort}).\n` +
          `  Use it as it is (set TEMPORAL_ADDRESS=127.0.0.1:${owner.grpcPort} and run \`genie worker\`), or stop it first (Ctrl-C where it runs, or kill ${owner.pid}).`,
      );
    }
    fs.rmSync(pidFile(), { force: true });
  }
  for (const [what, port] of [
    ['gRPC', opts.grpcPort],
    ['UI', opts.uiPort],
  ] as const) {
    if (!opts.headless || what === 'gRPC') {
      if (await portInUse(port)) {
        throw new ServerAlreadyRunningError(
          `port ${port} (Temporal ${what}) is already in use by another program.\n` +
            `  If that is a Temporal server, point Genie at it with TEMPORAL_ADDRESS=127.0.0.1:${opts.grpcPort}; otherwise choose other ports with GENIE_TEMPORAL_PORT / GENIE_UI_PORT.`,
        );
      }
    }
  }
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const db = opts.dbFile ?? path.join(stateDir(), 'temporal.sqlite');
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.grpcPort),
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(opts.uiPort)]),
    ...(db === ':memory:' ? [] : ['--db-filename', db, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL']),
    ...SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    ...(opts.uiCodecEndpoint && !opts.headless ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
    '--log-level',
    'warn',
    ...(opts.extraArgs ?? []),
  ];
}

/** Polls the frontend's health check until it answers or the time runs out. */
export async function waitUntilServing(address: string, timeoutMs: number, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = exited?.();
    if (why) throw new Error(why);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${(lastError as Error)?.message ?? lastError}`);
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const log = opts.log ?? (() => undefined);
  await checkNotRunning(opts);
  const binary = ensureBinary(TEMPORAL_CLI, log);
  fs.mkdirSync(stateDir(), { recursive: true });
  const logFile = opts.logFile ?? path.join(stateDir(), 'temporal-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(binary, devServerArgs(opts), { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exitReason: string | undefined;
  child.once('exit', (code, signal) => {
    exitReason = `the Temporal dev server exited (${signal ?? `code ${code}`}); see ${logFile}`;
  });
  child.once('error', (err) => {
    exitReason = `cannot start ${binary}: ${err.message}`;
  });
  const address = `127.0.0.1:${opts.grpcPort}`;
  try {
    await waitUntilServing(address, 60_000, () => exitReason);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  fs.writeFileSync(pidFile(), JSON.stringify({ pid: child.pid, grpcPort: opts.grpcPort, uiPort: opts.uiPort }));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(pidFile(), { force: true });
  };
  return { address, uiUrl: opts.headless ? undefined : `http://localhost:${opts.uiPort}`, process: child, stop };
}
