/**
 * `deploy.start` / `deploy.stop`: bring a version of a service up or down, the steps a
 * canary or blue-green runbook begins and ends with. Three ways, chosen per step by `mode`
 * or per worker by GENIE_DEPLOY_MODE, so one runbook runs against the local demo and against
 * real systems:
 *
 * - `demo` (default): runs `genie demo-service` for that service and version through the
 *   process supervisor (src/process/), on `port` or the service's port in GENIE_DEPLOY_PORTS
 *   (`stable=18081,canary=18082`, set by `genie up`), and waits until its /health answers
 *   with that version. The process is named after the service, so it replaces the version
 *   running there, and any worker can find it again.
 * - `command`: runs an argv allowlisted in GENIE_COMMAND_ALLOWLIST (the command.run rules:
 *   no shell), `{service}`, `{version}` and `{port}` substituted inside each element. Default
 *   argv: GENIE_DEPLOY_START_COMMAND / GENIE_DEPLOY_STOP_COMMAND (JSON arrays).
 * - `webhook`: POSTs {action, service, version, port?} to `webhook` or GENIE_DEPLOY_WEBHOOK_URL
 *   (Bearer GENIE_DEPLOY_WEBHOOK_TOKEN when set, never an argument: arguments land in history).
 *
 * Idempotent under retries: in demo mode starting what already runs returns it
 * (`alreadyRunning: true`) and stopping what is stopped succeeds; command and webhook
 * receivers get the same request again (webhooks with a stable Idempotency-Key).
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction } from './action';
import { run as runCommand } from './command';
import { timeoutArg } from './context';
import { webhook as postWebhook } from './notify';
import { readyMs, supervised } from './process';
import { Duration } from '../src/dsl/types';
import { DEMO_GROUP, demoServiceProcess, type DemoServiceSpec } from '../src/demo/environment';
import type { ProcessRecord } from '../src/process';

export const MODES = ['demo', 'command', 'webhook'] as const;
type Mode = (typeof MODES)[number];

const Service = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'Service name (demo mode: also the supervised process name and GENIE_DEPLOY_PORTS key)',
});
const Version = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.+-]*$', description: 'Version to run, e.g. 2.0.0' });
const ModeArg = Type.Optional(
  Type.Union(
    MODES.map((m) => Type.Literal(m)),
    { description: 'demo | command | webhook (default $GENIE_DEPLOY_MODE, else demo)' },
  ),
);
const CommandArg = Type.Optional(
  Type.Array(Type.String(), { minItems: 1, description: 'command mode: argv, executable first (allowlisted); {service} {version} {port} substituted' }),
);
const WebhookArg = Type.Optional(Type.String({ minLength: 1, description: 'webhook mode: URL to POST to (default $GENIE_DEPLOY_WEBHOOK_URL)' }));
const DemoKnobs = Type.Object(
  {
    errorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests answered with errorStatus' })),
    errorStatus: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    latency: Type.Optional(Duration),
    jitter: Type.Optional(Duration),
    distribution: Type.Optional(Type.Union([Type.Literal('uniform'), Type.Literal('normal'), Type.Literal('exponential')])),
    fields: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), { description: 'Extra fields in every answer (a shadow candidate that changes one field)' }),
    ),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Listen address (default 127.0.0.1)' })),
  },
  { additionalProperties: false, description: 'demo mode only: how the demo service behaves' },
);

const StartArgs = Type.Object(
  {
    service: Service,
    version: Version,
    mode: ModeArg,
    port: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description: 'demo: listen port (default: the service in $GENIE_DEPLOY_PORTS); command/webhook: passed on as {port}',
      }),
    ),
    demo: Type.Optional(DemoKnobs),
    command: CommandArg,
    webhook: WebhookArg,
    readyTimeout: Type.Optional(Duration),
    grace: Type.Optional(Duration),
    timeout: Type.Optional(Duration),
  },
  { additionalProperties: false },
);
const StopArgs = Type.Object(
  {
    service: Service,
    version: Type.Optional(Version),
    mode: ModeArg,
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    command: CommandArg,
    webhook: WebhookArg,
    grace: Type.Optional(Duration),
    timeout: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

const DEFAULTS = { timeout: '2m', retry: { maxAttempts: 3, initialInterval: '1s', backoff: 2 } };

export const start = defineAction({
  name: 'deploy.start',
  description:
    'Starts a version of a service: demo (supervised demo-service process), command (allowlisted argv) or webhook. Demo returns {service, version, mode, pid, url, port, alreadyRunning}.',
  args: StartArgs,
  defaults: DEFAULTS,
  run: async (a) => {
    const mode = modeOf(a.mode);
    if (mode === 'command') return { service: a.service, version: a.version, mode, ...(await viaCommand('start', a)) };
    if (mode === 'webhook') return { service: a.service, version: a.version, mode, ...(await viaWebhook('start', a)) };
    return startDemo(a);
  },
});

export const stop = defineAction({
  name: 'deploy.stop',
  description:
    'Stops a service (demo: its supervised process; a stopped or unknown one is a no-op; with version, only that version). Demo returns {service, mode, stopped, wasRunning, pid, version}.',
  args: StopArgs,
  defaults: DEFAULTS,
  run: async (a) => {
    const mode = modeOf(a.mode);
    if (mode === 'command') return { service: a.service, ...(a.version !== undefined ? { version: a.version } : {}), mode, ...(await viaCommand('stop', a)) };
    if (mode === 'webhook') return { service: a.service, ...(a.version !== undefined ? { version: a.version } : {}), mode, ...(await viaWebhook('stop', a)) };
    return stopDemo(a);
  },
});

const bad = (message: string, type = 'BAD_ARGUMENT') => ApplicationFailure.nonRetryable(message, type);

function modeOf(mode: Mode | undefined): Mode {
  const chosen = mode ?? (process.env.GENIE_DEPLOY_MODE || 'demo');
  if (!MODES.includes(chosen as Mode)) throw bad(`GENIE_DEPLOY_MODE=${chosen} is not a deploy mode; use ${MODES.join(', ')}`, 'DEPLOY_NOT_CONFIGURED');
  return chosen as Mode;
}

/** GENIE_DEPLOY_PORTS: `stable=18081,canary=18082`. */
export function deployPorts(text = process.env.GENIE_DEPLOY_PORTS ?? ''): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, value, extra] = entry.split('=');
    const port = Number(value);
    if (!name || extra !== undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw bad(`GENIE_DEPLOY_PORTS entry ${JSON.stringify(entry)} is not service=port (e.g. stable=18081,canary=18082)`, 'DEPLOY_NOT_CONFIGURED');
    }
    ports[name.trim()] = port;
  }
  return ports;
}

/** A process the supervisor runs as `genie demo-service` (and not, say, the router). */
const isDemoService = (r: ProcessRecord) => r.argv[2] === 'demo-service';

async function startDemo(a: Static<typeof StartArgs>) {
  const port = a.port ?? deployPorts()[a.service];
  if (port === undefined)
    throw bad(`no port for service ${a.service}: pass port, or add ${a.service}=<port> to GENIE_DEPLOY_PORTS on the worker`, 'DEPLOY_NOT_CONFIGURED');
  const knobs = a.demo ?? {};
  const spec: DemoServiceSpec = {
    ...(knobs.errorRate !== undefined ? { errorRate: knobs.errorRate } : {}),
    ...(knobs.errorStatus !== undefined ? { errorStatus: knobs.errorStatus } : {}),
    ...(knobs.latency !== undefined ? { latency: knobs.latency } : {}),
    ...(knobs.jitter !== undefined ? { jitter: knobs.jitter } : {}),
    ...(knobs.distribution !== undefined ? { distribution: knobs.distribution } : {}),
    ...(knobs.fields !== undefined ? { fields: knobs.fields } : {}),
  };
  const process_ = demoServiceProcess({ service: a.service, version: a.version, port, ...(knobs.host ? { host: knobs.host } : {}), spec, group: DEMO_GROUP });
  return supervised(async (supervisor) => {
    const existing = supervisor.record(a.service);
    if (existing && !isDemoService(existing)) {
      throw bad(
        `${a.service} is a supervised process but not a demo service (it runs ${existing.argv.slice(2, 3).join(' ') || existing.argv[0]}); manage it with process.*, or deploy under another name`,
        'DEPLOY_NOT_A_SERVICE',
      );
    }
    const rival = supervisor.list().find((s) => s.running && s.port === port && s.name !== a.service);
    if (rival)
      throw bad(
        `port ${port} is taken by the supervised process ${rival.name} (pid ${rival.pid}); stop it first or deploy ${a.service} on another port`,
        'DEPLOY_PORT_TAKEN',
      );
    const r = await supervisor.start(process_, { replace: true, readyTimeoutMs: readyMs(a.readyTimeout), graceMs: timeoutArg(a.grace) ?? 10_000 });
    const url = new URL(process_.healthUrl!).origin;
    return { service: a.service, version: a.version, mode: 'demo' as const, pid: r.status.pid, url, port, alreadyRunning: r.alreadyRunning };
  });
}

async function stopDemo(a: Static<typeof StopArgs>) {
  return supervised(async (supervisor) => {
    const found = supervisor.find(a.service);
    const record = supervisor.record(a.service);
    if (!found || !record)
      return { service: a.service, mode: 'demo' as const, stopped: false, wasRunning: false, pid: null, reason: 'no such service was ever started here' };
    if (!isDemoService(record)) throw bad(`${a.service} is a supervised process but not a demo service; stop it with process.stop`, 'DEPLOY_NOT_A_SERVICE');
    if (found.running && a.version !== undefined && found.version !== a.version) {
      // Another rollout replaced it: that version is not ours to stop.
      return {
        service: a.service,
        mode: 'demo' as const,
        stopped: false,
        wasRunning: true,
        pid: found.pid,
        version: found.version,
        reason: `version ${found.version} runs, not ${a.version}; left running`,
      };
    }
    const r = await supervisor.stop(a.service, { graceMs: timeoutArg(a.grace) ?? 10_000 });
    return {
      service: a.service,
      mode: 'demo' as const,
      stopped: r.wasRunning,
      wasRunning: r.wasRunning,
      pid: r.pid ?? null,
      ...(found.version !== undefined ? { version: found.version } : {}),
    };
  });
}

/** The command argv from the step or the worker's GENIE_DEPLOY_{START,STOP}_COMMAND, placeholders filled in. */
async function viaCommand(action: 'start' | 'stop', a: { service: string; version?: string; port?: number; command?: string[]; timeout?: string }) {
  const variable = action === 'start' ? 'GENIE_DEPLOY_START_COMMAND' : 'GENIE_DEPLOY_STOP_COMMAND';
  const argv = a.command ?? envArgv(variable);
  if (!argv)
    throw bad(`deploy.${action} in command mode needs command: [executable, args...] or ${variable} (a JSON array) on the worker`, 'DEPLOY_NOT_CONFIGURED');
  const values: Record<string, string | undefined> = { service: a.service, version: a.version, port: a.port === undefined ? undefined : String(a.port) };
  const filled = argv.map((element, i) =>
    element.replace(/\{(service|version|port)\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw bad(`command[${i}] uses {${key}} but deploy.${action} was given no ${key}`);
      return value;
    }),
  );
  const result = await runCommand.run({ command: filled[0]!, args: filled.slice(1), ...(a.timeout !== undefined ? { timeout: a.timeout } : {}) });
  return { command: filled, ...result };
}

function envArgv(variable: string): string[] | undefined {
  const text = process.env[variable];
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === 'string')) {
    throw bad(`${variable} must be a JSON array of strings, e.g. ["systemctl","restart","{service}"]`, 'DEPLOY_NOT_CONFIGURED');
  }
  return parsed as string[];
}

async function viaWebhook(action: 'start' | 'stop', a: { service: string; version?: string; port?: number; webhook?: string; timeout?: string }) {
  const url = a.webhook ?? process.env.GENIE_DEPLOY_WEBHOOK_URL;
  if (!url) throw bad(`deploy.${action} in webhook mode needs webhook: <url> or GENIE_DEPLOY_WEBHOOK_URL on the worker`, 'DEPLOY_NOT_CONFIGURED');
  const token = process.env.GENIE_DEPLOY_WEBHOOK_TOKEN;
  const payload = { action, service: a.service, ...(a.version !== undefined ? { version: a.version } : {}), ...(a.port !== undefined ? { port: a.port } : {}) };
  const r = await postWebhook.run({
    url,
    payload,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    ...(a.timeout !== undefined ? { timeout: a.timeout } : {}),
  });
  return { status: r.status, response: r.response };
}
