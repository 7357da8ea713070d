/**
 * `shutdownSessions` on a weight change (HAProxy's `on-marked-down shutdown-sessions`), on a
 * real `genie router` process: requests already waiting on a pool the change sets to 0 end at
 * once with 503 instead of waiting out the route's timeout; the same pool's requests on another
 * route, and every request when the flag is not given, are left alone. The failover fence uses
 * it, so a write stuck on a hung primary does not hold its client for the whole timeout.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { stringify } from 'yaml';
import { RouterAdminClient } from '../../src/router/admin-client';
import { freePort } from '../helpers/ports';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

const TOKEN = 'shutdown-sessions-token-0123456789';

describe('router shutdownSessions (real process)', function () {
  this.timeout(40_000);
  const held: http.ServerResponse[] = [];
  let hung: http.Server;
  let healthy: http.Server;
  let router: Spawned;
  let port: number;
  let admin: RouterAdminClient;
  let dir: string;

  before(async () => {
    // "hung" takes every request and never answers, as an app in front of a SIGSTOPped database does.
    hung = http.createServer((_req, res) => {
      held.push(res);
    });
    healthy = http.createServer((_req, res) => res.writeHead(200).end('ok'));
    await Promise.all([hung, healthy].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    const origin = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-shutdown-sessions-'));
    const file = path.join(dir, 'router.yaml');
    fs.writeFileSync(
      file,
      stringify({
        pools: { hung: { origins: [origin(hung)] }, healthy: { origins: [origin(healthy)] } },
        routes: {
          writes: { match: { pathPrefix: '/writes' }, timeout: '20s', weights: { hung: 100, healthy: 0 } },
          reads: { match: { pathPrefix: '/reads' }, timeout: '20s', weights: { hung: 100 } },
        },
      }),
    );
    port = await freePort();
    const adminPort = await freePort();
    router = spawnGenie(['router', '--config', file, '--port', String(port), '--admin-port', String(adminPort)], { GENIE_ROUTER_TOKEN: TOKEN });
    await waitForOutput(router, /router listening/, 15_000);
    admin = new RouterAdminClient(`http://127.0.0.1:${adminPort}`, TOKEN);
  });
  after(async () => {
    router?.child.kill('SIGKILL');
    await router?.exited;
    for (const res of held) res.destroy();
    hung?.closeAllConnections();
    hung?.close();
    healthy?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const waitHeld = async (n: number) => {
    const giveUpAt = Date.now() + 5_000;
    while (held.length < n && Date.now() < giveUpAt) await new Promise((r) => setTimeout(r, 20));
    assert.equal(held.length, n, 'requests reached the hung pool');
  };
  const settled = <T>(p: Promise<T>) =>
    Promise.race([
      p.then(
        () => 'settled' as const,
        () => 'settled' as const,
      ),
      new Promise<'pending'>((r) => setTimeout(() => r('pending'), 300)),
    ]);

  it('ends the route’s requests waiting on the pool it sets to 0 with 503 at once; other routes and a change without the flag wait on', async () => {
    const write = request(`http://127.0.0.1:${port}/writes/1`, { method: 'POST', body: 'x' });
    const read = request(`http://127.0.0.1:${port}/reads/1`);
    await waitHeld(2);

    // Without the flag: the weights move, but the request in flight keeps waiting on its upstream.
    const plain = await admin.call<{ sessionsShutDown?: number }>('PUT', '/routes/writes/weights', { body: { weights: { hung: 50, healthy: 50 } } });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(plain.json.sessionsShutDown, undefined);
    assert.equal(await settled(write), 'pending', 'a plain weight change ends nothing');

    const changedAt = performance.now();
    const fenced = await admin.call<{ sessionsShutDown: number; weights: Record<string, number> }>('PUT', '/routes/writes/weights', {
      body: { weights: { hung: 0, healthy: 100 }, shutdownSessions: true },
    });
    assert.equal(fenced.status, 200, fenced.text);
    assert.deepEqual(fenced.json.weights, { hung: 0, healthy: 100 });
    assert.equal(fenced.json.sessionsShutDown, 1, 'only the writes route’s request to the hung pool');

    const ended = await write;
    const endedMs = performance.now() - changedAt;
    assert.equal(ended.statusCode, 503);
    const body = (await ended.body.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'POOL_SHUT_DOWN');
    assert.match(body.error.message, /pool hung .*outcome is unknown/);
    assert.ok(endedMs < 2_000, `ended ${Math.round(endedMs)} ms after the change, not at the 20 s timeout`);
    assert.equal(await settled(read), 'pending', 'the reads route still waits on the same pool');

    // New writes go to the healthy pool; the router counts the ended request as aborted.
    const next = await request(`http://127.0.0.1:${port}/writes/2`, { method: 'POST', body: 'y' });
    assert.equal(next.statusCode, 200);
    assert.equal(await next.body.text(), 'ok');
    const stats = await admin.call<{ pools: Record<string, { errorsByKind: Record<string, number> }> }>('GET', '/stats?window=60s');
    assert.equal(stats.json.pools.hung.errorsByKind.aborted, 1, JSON.stringify(stats.json.pools.hung));
  });

  it('refuses a shutdownSessions that is not true or false, changing nothing', async () => {
    const before = await admin.getConfig();
    const bad = await admin.call<{ error: { message: string } }>('PUT', '/routes/writes/weights', {
      body: { weights: { hung: 0, healthy: 100 }, shutdownSessions: 'yes' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /shutdownSessions must be true or false/);
    assert.equal((await admin.getConfig()).version, before.version);
  });
});
