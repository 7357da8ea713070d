/**
 * The alert intake HTTP endpoint: POST an Alertmanager webhook (version 4) to /alerts.
 *
 *   200 {workflowId, started, delivered, message}   accepted (started, signalled, or nothing open to resolve)
 *   400 {error}   malformed payload, with the reason; nothing is started
 *   401 {error}   a token is configured (GENIE_ALERTS_TOKEN) and the request lacks it
 *
 * Without a token anyone who reaches the port can resolve any known alert group, so the intake
 * refuses to listen beyond loopback unless a token is configured.
 *   GET /health   200
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../http/loopback';
import { readBody } from '../http/read-body';
import { AlertPayloadError, parseAlertGroup } from './alertmanager';
import { deliverAlert, type IntakeOptions } from './intake';
import { GenieError } from '../errors/genie-error';

const MAX_BODY = 1024 * 1024;
export const ALERTS_PATH = '/alerts';

export interface AlertServerOptions extends IntakeOptions {
  port?: number;
  host?: string;
  /** Bearer token Alertmanager must send (http_config.authorization.credentials). */
  token?: string;
  log?: (line: string) => void;
}

export interface AlertServer {
  url: string;
  close(): Promise<void>;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(token));
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readPayload(req: http.IncomingMessage): Promise<string> {
  const { text, truncated } = await readBody(req, { maxBytes: MAX_BODY });
  if (truncated) throw new AlertPayloadError(`payload: larger than ${MAX_BODY} bytes; lower max_alerts in the webhook_config`);
  return text;
}

export class AlertIntakeConfigError extends GenieError {
  readonly code = 'ALERT_INTAKE_CONFIG';
}

/** Throws before anything listens when the intake would be open to the network without a token. */
export function checkAlertIntakeExposure(host: string, token: string | undefined): void {
  if (!token && !isLoopbackHost(host)) {
    throw new AlertIntakeConfigError(
      `alert intake: refusing to listen on ${host} without a token (anyone on the network could resolve any alert group); ` +
        'set GENIE_ALERTS_TOKEN (and Alertmanager http_config.authorization.credentials), or listen on 127.0.0.1',
    );
  }
}

export async function startAlertServer(options: AlertServerOptions): Promise<AlertServer> {
  const log = options.log ?? (() => undefined);
  checkAlertIntakeExposure(options.host ?? '127.0.0.1', options.token);
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      req.resume();
      return send(res, 200, { status: 'ok' });
    }
    if (path !== ALERTS_PATH) {
      req.resume();
      return send(res, 404, { error: `POST Alertmanager webhooks to ${ALERTS_PATH}` });
    }
    if (req.method !== 'POST') {
      req.resume();
      return send(res, 405, { error: `use POST on ${ALERTS_PATH}` });
    }
    if (options.token && !tokenMatches(req.headers.authorization, options.token)) {
      req.resume();
      return send(res, 401, { error: 'send Authorization: Bearer <GENIE_ALERTS_TOKEN>' });
    }
    try {
      const text = await readPayload(req);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new AlertPayloadError(`payload: not JSON (${(error as Error).message})`);
      }
      const group = parseAlertGroup(body);
      const result = await deliverAlert(group, options);
      log(`alert ${group.status} ${group.groupKey} → ${result.workflowId}: ${result.message}`);
      return send(res, 200, result);
    } catch (error) {
      if (error instanceof AlertPayloadError) {
        log(`alert refused: ${error.message}`);
        return send(res, 400, { error: error.message });
      }
      log(`alert intake failed: ${(error as Error).message}`);
      // Alertmanager retries a 5xx: the notification is not lost while Temporal is away.
      return send(res, 503, { error: `could not reach Temporal: ${(error as Error).message}` });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  log(
    options.token
      ? `alert intake on ${options.host ?? '127.0.0.1'}:${port}: bearer token required`
      : `alert intake on ${options.host ?? '127.0.0.1'}:${port}: NO TOKEN (loopback only); set GENIE_ALERTS_TOKEN before listening beyond loopback`,
  );
  return {
    url: `http://${host}:${port}${ALERTS_PATH}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
