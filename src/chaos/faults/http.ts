/**
 * HTTP faults through the traffic router's admin API: latency, connection resets and error
 * answers on a pool. The pool's previous faults are recorded first and put back on removal.
 * Where the router is: fault.http.adminUrl or GENIE_ROUTER_ADMIN_URL; its token only from the
 * environment (GENIE_ROUTER_TOKEN, or the token file `genie up` wrote), never an argument.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RouterAdminClient } from '../../router/admin-client';
import { stateDir } from '../../paths';
import type { FaultRecord } from '../store';
import { FaultError, type FaultDriver } from './types';

function token(): string {
  if (process.env.GENIE_ROUTER_TOKEN) return process.env.GENIE_ROUTER_TOKEN;
  try {
    const saved = fs.readFileSync(path.join(stateDir(), 'router-token'), 'utf8').trim();
    if (saved) return saved;
  } catch {
    // fall through
  }
  throw new FaultError('ROUTER_NOT_CONFIGURED', 'no router token: set GENIE_ROUTER_TOKEN (or run genie up, which writes .genie/router-token)');
}

function client(adminUrl: unknown): RouterAdminClient {
  const url = typeof adminUrl === 'string' ? adminUrl : process.env.GENIE_ROUTER_ADMIN_URL;
  if (!url) throw new FaultError('ROUTER_NOT_CONFIGURED', 'no router admin URL: set GENIE_ROUTER_ADMIN_URL or give fault.http.adminUrl');
  return new RouterAdminClient(url, token(), 5_000);
}

async function ok(answer: Promise<{ status: number; text: string; json: unknown }>, what: string): Promise<unknown> {
  const a = await answer;
  if (a.status === 404) throw new FaultError('TARGET_NOT_FOUND', `${what}: the router answered 404 ${a.text.slice(0, 200)}`);
  if (a.status < 200 || a.status >= 300) throw new FaultError('ROUTER_ERROR', `${what}: the router answered ${a.status} ${a.text.slice(0, 200)}`);
  return a.json;
}

export const httpFaults: FaultDriver = {
  async prepare(pool, spec) {
    const admin = client(spec.adminUrl);
    const { config } = (await ok(admin.call('GET', '/config'), 'reading the router config')) as { config: { pools: Record<string, { faults?: unknown }> } };
    if (!Object.hasOwn(config.pools, pool))
      throw new FaultError('TARGET_NOT_FOUND', `the router has no pool ${pool} (pools: ${Object.keys(config.pools).join(', ')})`);
    return { adminUrl: admin.url, pool, previous: config.pools[pool].faults ?? null };
  },
  async apply(r) {
    const s = r.spec;
    const body = {
      ...(s.latency !== undefined ? { delay: s.latency, delayPercent: s.latencyPercent ?? 100 } : {}),
      ...(s.abortPercent !== undefined ? { abortPercent: s.abortPercent } : {}),
      ...(s.errorPercent !== undefined ? { errorPercent: s.errorPercent, errorStatus: s.errorStatus ?? 503 } : {}),
    };
    await ok(client(r.undo.adminUrl).call('PUT', `/pools/${encodeURIComponent(r.target)}/faults`, { body }), `injecting faults into pool ${r.target}`);
  },
  async remove(r: FaultRecord) {
    const admin = client(r.undo.adminUrl);
    const pool = encodeURIComponent(r.target);
    const previous = r.undo.previous;
    const a = previous ? await admin.call('PUT', `/pools/${pool}/faults`, { body: previous }) : await admin.call('DELETE', `/pools/${pool}/faults`);
    if (a.status === 404) return `pool ${r.target} no longer exists: nothing to remove`;
    if (a.status < 200 || a.status >= 300)
      throw new FaultError('ROUTER_ERROR', `removing faults of pool ${r.target}: the router answered ${a.status} ${a.text.slice(0, 200)}`);
    return previous ? `restored the previous faults of pool ${r.target}` : `cleared the faults of pool ${r.target}`;
  },
};
