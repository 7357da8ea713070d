/** Graceful shutdown of a real `genie router` process: SIGTERM lets the request in flight finish, then the process exits 0. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { stringify } from 'yaml';
import { freePort } from '../helpers/ports';
import { spawnGenie, waitForOutput } from '../helpers/processes';

describe('router graceful shutdown (real process)', function () {
  this.timeout(30_000);

  it('finishes a slow request in flight after SIGTERM, refuses new connections, and exits 0', async () => {
    const slow = http.createServer((req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(`done ${req.url}`), 1500);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-router-shutdown-'));
    const file = path.join(dir, 'router.yaml');
    fs.writeFileSync(
      file,
      stringify({
        pools: { slow: { origins: [`http://127.0.0.1:${(slow.address() as AddressInfo).port}`] } },
        routes: { all: { weights: { slow: 100 } } },
      }),
    );
    const port = await freePort();
    const adminPort = await freePort();
    const router = spawnGenie(['router', '--config', file, '--port', String(port), '--admin-port', String(adminPort)], {
      GENIE_ROUTER_TOKEN: 'shutdown-token',
    });
    try {
      await waitForOutput(router, /router listening/, 15_000);
      const started = performance.now();
      const inFlight = request(`http://127.0.0.1:${port}/slow-one`);
      await new Promise((r) => setTimeout(r, 300));
      router.child.kill('SIGTERM');
      await waitForOutput(router, /draining/, 5_000);

      // Draining: new connections are refused, health says so.
      await assert.rejects(request(`http://127.0.0.1:${port}/late`, { headersTimeout: 2_000 }), /ECONNREFUSED|other side closed|UND_ERR_SOCKET/);
      const health = await request(`http://127.0.0.1:${adminPort}/health`);
      assert.equal(health.statusCode, 503);
      assert.equal(((await health.body.json()) as { status: string }).status, 'draining');

      const response = await inFlight;
      assert.equal(response.statusCode, 200);
      assert.equal(await response.body.text(), 'done /slow-one');
      assert.ok(performance.now() - started >= 1400);
      const exit = await router.exited;
      assert.equal(exit.code, 0, router.output());
      assert.match(router.output(), /router stopped/);
    } finally {
      router.child.kill('SIGKILL');
      slow.closeAllConnections();
      slow.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
