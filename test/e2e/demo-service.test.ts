/** `genie demo-service` as a process: its flags set version, error rate and latency; its admin endpoint changes them live. */
import { strict as assert } from 'node:assert';
import { request } from 'undici';
import { openLoop, percentileOf } from '../../src/demo/load-generator';
import { freePort } from '../helpers/ports';
import { genie, spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

describe('genie demo-service (real process)', function () {
  this.timeout(30_000);
  let service: Spawned;
  let url: string;

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = spawnGenie([
      'demo-service',
      '--name',
      'canary',
      '--version',
      '2.0.0',
      '--port',
      String(port),
      '--error-rate',
      '0.2',
      '--latency',
      '20ms',
      '--latency-jitter',
      '5ms',
    ]);
    await waitForOutput(service, /listening on/, 15_000);
  });
  after(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
  });

  it('answers JSON with its version, the path, and a fresh request id and timestamp every time', async () => {
    const bodies: Array<Record<string, string>> = [];
    for (let i = 0; i < 10; i++) {
      const r = await request(`${url}/orders/${i}?x=1`);
      const body = (await r.body.json()) as Record<string, string>;
      if (r.statusCode === 200) bodies.push(body);
    }
    assert.ok(bodies.length >= 3);
    for (const b of bodies) {
      assert.equal(b.service, 'canary');
      assert.equal(b.version, '2.0.0');
      assert.match(b.path, /^\/orders\/\d\?x=1$/);
      assert.match(b.requestId, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(b.timestamp)));
    }
    assert.equal(new Set(bodies.map((b) => b.requestId)).size, bodies.length, 'request ids repeat');
  });

  it('fails --error-rate of requests (20% ± 6 points over 500) after --latency ± --latency-jitter', async () => {
    const r = await openLoop({ origin: url, path: '/load', rate: 1000, count: 500 });
    const errors = r.statuses['500'] ?? 0;
    assert.equal(r.completed, 500);
    assert.ok(Math.abs(errors / 500 - 0.2) <= 0.06, `${errors} of 500 failed`);
    assert.ok(Math.min(...r.latenciesMs) >= 14.5, `min latency ${Math.min(...r.latenciesMs)}`);
    assert.ok(percentileOf(r.latenciesMs, 0.5) < 40, `p50 ${percentileOf(r.latenciesMs, 0.5)}`);
    // Health is never failed on purpose.
    for (let i = 0; i < 20; i++) assert.equal((await request(`${url}/health`)).statusCode, 200);
  });

  it('changes error rate and latency at run time; refuses a bad change and keeps the old behaviour', async () => {
    const bad = await request(`${url}/_demo/behavior`, { method: 'PUT', body: JSON.stringify({ errorRate: 2 }) });
    assert.equal(bad.statusCode, 400);
    assert.match(await bad.body.text(), /between 0 and 1/);
    assert.equal(((await (await request(`${url}/_demo/behavior`)).body.json()) as { errorRate: number }).errorRate, 0.2);

    const ok = await request(`${url}/_demo/behavior`, { method: 'PUT', body: JSON.stringify({ errorRate: 0, latency: '0ms', jitter: 0 }) });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(await ok.body.json(), { errorRate: 0, errorStatus: 500, latencyMs: 0, jitterMs: 0, distribution: 'uniform' });
    const r = await openLoop({ origin: url, path: '/after', rate: 1000, count: 200 });
    assert.equal(r.ok, 200);
    assert.ok(percentileOf(r.latenciesMs, 0.5) < 14, `p50 ${percentileOf(r.latenciesMs, 0.5)}`);
  });

  it('refuses bad flags with exit 2', async () => {
    for (const args of [
      ['--name', 'x', '--version', '1', '--error-rate', '1.5'],
      ['--name', 'x', '--version', '1', '--latency', 'soon'],
      ['--version', '1'],
    ]) {
      const { code, output } = await genie(['demo-service', ...args]);
      assert.equal(code, 2, output);
    }
  });
});
