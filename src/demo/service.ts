/**
 * The sample service canary, blue-green and shadow runbooks are tried on: it answers every
 * path with JSON naming its version, the request, a random request id and a timestamp (the
 * last two differ on every answer, as real responses' nondeterministic fields do — what
 * shadow testing's noise cancellation must learn to ignore), after a sampled latency, and
 * fails a configurable share of requests.
 *
 *   GET  /health           always 200 {status, name, version}: liveness is not what a canary measures
 *   GET  /_demo/behavior   the current error rate and latency
 *   PUT  /_demo/behavior   change them: {"errorRate": 0.2, "latency": "50ms", "jitter": "10ms", "distribution": "normal"}
 *   *    anything else     the demo answer
 *
 * With GENIE_DEMO_TOKEN set, /_demo/ needs `Authorization: Bearer <token>`.
 */
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import * as http from 'node:http';
import { listenLocal } from '../http/listen';
import { readBody } from '../http/read-body';
import { applyBehaviorPatch, BehaviorError, DEFAULT_BEHAVIOR, sampleLatencyMs, type DemoBehavior } from './behavior';

export interface DemoServiceOptions {
  name: string;
  version: string;
  port?: number;
  host?: string;
  behavior?: Partial<DemoBehavior>;
  /** Guards /_demo/ when set. */
  adminToken?: string;
  /** Extra fields in every demo answer (they override the standard ones): how a shadow test's candidate changes one field. */
  fields?: Record<string, unknown>;
}

export interface DemoService {
  url: string;
  port: number;
  behavior(): DemoBehavior;
  close(): Promise<void>;
}

const ADMIN_PATH = '/_demo/behavior';
/** A behaviour patch is a few fields; nothing longer is read. */
const MAX_ADMIN_BODY = 64 * 1024;

export async function startDemoService(options: DemoServiceOptions): Promise<DemoService> {
  let behavior: DemoBehavior = { ...DEFAULT_BEHAVIOR, ...options.behavior };
  const json = (res: http.ServerResponse, status: number, value: unknown) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-demo-version': options.version });
    res.end(body);
  };

  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const path = req.url ?? '/';
    if (path === '/health') {
      req.resume();
      return json(res, 200, { status: 'ok', name: options.name, version: options.version });
    }
    if (path === ADMIN_PATH) return admin(req, res);
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on('end', () => {
      const b = behavior;
      const requestId = randomUUID();
      const answer = () => {
        if (b.errorRate > 0 && Math.random() < b.errorRate) {
          return json(res, b.errorStatus, { error: 'injected by demo-service --error-rate', service: options.name, version: options.version, requestId });
        }
        json(res, 200, {
          service: options.name,
          version: options.version,
          method: req.method,
          path,
          bodyBytes,
          requestId,
          timestamp: new Date().toISOString(),
          ...options.fields,
        });
      };
      const delay = sampleLatencyMs(b);
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });

  const admin = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (options.adminToken && !bearerMatches(req.headers.authorization, options.adminToken)) {
      req.resume();
      return json(res, 401, { error: 'send Authorization: Bearer <GENIE_DEMO_TOKEN>' });
    }
    if (req.method === 'GET') {
      req.resume();
      return json(res, 200, behavior);
    }
    if (req.method !== 'PUT' && req.method !== 'PATCH') return json(res, 405, { error: `use GET or PUT on ${ADMIN_PATH}` });
    readBody(req, { maxBytes: MAX_ADMIN_BODY, beyond: 'discard' }).then(
      ({ text, truncated }) => {
        if (truncated) return json(res, 413, { error: `the body is larger than ${MAX_ADMIN_BODY} bytes` });
        try {
          behavior = applyBehaviorPatch(behavior, JSON.parse(text || '{}'));
          json(res, 200, behavior);
        } catch (error) {
          json(res, 400, { error: error instanceof BehaviorError || error instanceof SyntaxError ? error.message : String(error) });
        }
      },
      () => undefined,
    ); // the client went away mid-body: nobody to answer
  };

  const { port, url } = await listenLocal(server, options.port, options.host);
  return {
    url,
    port,
    behavior: () => behavior,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still sleeping on their latency get a few seconds, then their connections go.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      }),
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = createHash('sha256')
    .update(header?.replace(/^Bearer\s+/i, '') ?? '')
    .digest();
  return timingSafeEqual(given, createHash('sha256').update(token).digest()) && /^Bearer\s/i.test(header ?? '');
}
