/** What genie up, server and worker start: the long-running processes, stopped cleanly on Ctrl-C or SIGTERM. */
import { randomBytes } from 'node:crypto';
import { AesGcmCodec } from '../temporal/codec/aes-gcm-codec';
import { ensureKeyring, keyringFile } from '../temporal/codec/keyring';
import { startCodecServer } from '../temporal/codec/server';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { effectiveAddress, temporalSettings } from '../temporal/config';
import { connectClient } from '../temporal/connection';
import { connectWorker } from '../temporal/worker-connection';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { installWorkerLogging } from '../temporal/logging';
import { createGenieWorker } from '../temporal/worker';
import { startReaper } from '../chaos/reaper';
import { runbookDir } from '../paths';
import { startAlertServer } from '../alerts/server';
import { alertsPort } from './alerts-port';
import { untilSignal } from './until-signal';
import { EXIT, type Output, UsageError } from './output';
import { checkWorkerPolicy, PolicyRequiredError } from '../policy/worker-policy';

/** Before anything starts: refuse without a policy when one is required, else warn loudly that there is none. */
export function checkPolicyFirst(out: Output): void {
  try {
    checkWorkerPolicy(out.warn);
  } catch (err) {
    if (err instanceof PolicyRequiredError) throw new UsageError(err.message, EXIT.failed);
    throw err;
  }
}

/**
 * The embedded server, unless TEMPORAL_ADDRESS points elsewhere. Payloads are encrypted
 * (a keyring is created on first start), and a codec server lets the Web UI show them decoded.
 */
export async function maybeStartServer(log: (l: string) => void): Promise<DevServer | undefined> {
  const settings = temporalSettings();
  if (settings.address) {
    log(`using the Temporal cluster at ${settings.address} (namespace ${settings.namespace}); nothing started`);
    return undefined;
  }
  const ring = process.env.GENIE_ENCRYPTION === 'off' ? undefined : ensureKeyring();
  const uiOrigins = [`http://localhost:${settings.uiPort}`, `http://127.0.0.1:${settings.uiPort}`];
  // The UI's own secret endpoint path, new each start (the UI cannot send GENIE_CODEC_TOKEN).
  const uiPathToken = randomBytes(32).toString('base64url');
  const codec = ring
    ? await startCodecServer({
        codec: new AesGcmCodec(ring),
        uiOrigins,
        uiPathToken,
        ...(process.env.GENIE_CODEC_TOKEN ? { token: process.env.GENIE_CODEC_TOKEN } : {}),
      })
    : undefined;
  log(
    `starting the embedded Temporal dev server (gRPC 127.0.0.1:${settings.grpcPort}, UI :${settings.uiPort}${ring ? `, payloads encrypted (keyring ${keyringFile()})` : ''})`,
  );
  try {
    const server = await startDevServer({ grpcPort: settings.grpcPort, uiPort: settings.uiPort, log, ...(codec ? { uiCodecEndpoint: codec.uiUrl! } : {}) });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        await codec?.close();
      },
    };
  } catch (err) {
    await codec?.close();
    throw err;
  }
}

export async function runWorkerUntilSignal(out: Output, server?: DevServer, onReady: () => void = () => undefined): Promise<number> {
  installWorkerLogging();
  // The chaos dead-man's switch, first: it needs no Temporal, and orphaned faults should not wait for the worker to load
  // (faults whose owner stopped heartbeating are removed by any worker; GENIE_CHAOS_REAPER=off: none).
  const reaper = startReaper({ log: out.print });
  const settings = temporalSettings();
  const client = await connectClient(settings);
  await ensureSearchAttributes(client, settings.namespace, out.print);
  await client.connection.close();
  const connection = await connectWorker(settings);
  const worker = await createGenieWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    breakers: true,
    ...(settings.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: settings.maxCachedWorkflows } : {}),
  });
  out.print(`worker polling task queue "${settings.taskQueue}" on ${effectiveAddress(settings)} (runbooks from ${runbookDir()})`);
  onReady();
  const running = worker.run();
  const serverDied = server ? new Promise<string>((r) => server.process.once('exit', () => r('server-exit'))) : new Promise<string>(() => undefined);
  const why = await Promise.race([untilSignal(), running.then(() => 'worker-stopped'), serverDied]);
  out.print(`stopping (${why})…`);
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running.catch(() => undefined);
  await reaper?.stop();
  await connection.close();
  await server?.stop();
  return why === 'server-exit' ? EXIT.failed : EXIT.ok;
}

/** The Alertmanager intake beside the worker (GENIE_ALERTS_PORT, 0 = off); a busy port is reported, not fatal. */
export async function startIntake(settings: ReturnType<typeof temporalSettings>, out: Output): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (process.env.GENIE_ALERTS_PORT === '0') return undefined;
  try {
    const client = await connectClient(settings);
    const intake = await startAlertServer({
      client,
      taskQueue: settings.taskQueue,
      port: alertsPort(undefined),
      ...(process.env.GENIE_ALERTS_TOKEN ? { token: process.env.GENIE_ALERTS_TOKEN } : {}),
      log: out.print,
    });
    process.once('exit', () => void intake.close());
    return intake;
  } catch (error) {
    out.print(`alert intake not started: ${(error as Error).message} (set GENIE_ALERTS_PORT to another port, or 0 for none)`);
    return undefined;
  }
}
