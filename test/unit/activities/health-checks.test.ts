/**
 * health.http, health.tcp, health.process and health.command against real servers,
 * sockets and processes on this machine: each reports healthy / degraded / unhealthy with
 * the measured values, and fails the step only when asked to.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as health from '../../../activities/health';
import { freePort } from '../../helpers/ports';
import { failureOf } from './failure';

describe('health checks', () => {
  let server: http.Server;
  let base: string;
  before(async () => {
    server = http.createServer((req, res) => {
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => {
        if (req.url?.startsWith('/down')) res.writeHead(503).end('maintenance');
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('all systems go');
      }, delay);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  describe('health.http', () => {
    it('is healthy on a 2xx with the expected body, within latency bounds', async () => {
      const r = await health.http.run({ url: `${base}/`, bodyContains: 'systems go', maxLatencyMs: 1000 });
      assert.equal(r.status, 'healthy', r.reasons.join());
      assert.equal(r.httpStatus, 200);
      assert.ok(typeof r.latencyMs === 'number' && r.latencyMs >= 0);
    });
    it('is degraded when slower than degradedLatencyMs, unhealthy past maxLatencyMs', async () => {
      const slow = await health.http.run({ url: `${base}/?delay=120`, degradedLatencyMs: 50, maxLatencyMs: 2000 });
      assert.equal(slow.status, 'degraded');
      assert.match(slow.reasons[0], /latency \d+(\.\d+)?ms is at or above 50ms/);
      const slower = await health.http.run({ url: `${base}/?delay=120`, maxLatencyMs: 50 });
      assert.equal(slower.status, 'unhealthy');
    });
    it('is unhealthy on a wrong status or a missing body text, and on a refused connection — without failing', async () => {
      assert.equal((await health.http.run({ url: `${base}/down` })).status, 'unhealthy');
      assert.equal((await health.http.run({ url: `${base}/`, bodyContains: 'nope' })).status, 'unhealthy');
      const refused = await health.http.run({ url: `http://127.0.0.1:${await freePort()}/` });
      assert.equal(refused.status, 'unhealthy');
      assert.match(refused.reasons[0], /HTTP_CONNECT/);
    });
    it('fails with HEALTH_THRESHOLD when failOnUnhealthy is set', async () => {
      const failure = await failureOf(health.http.run({ url: `${base}/down`, failOnUnhealthy: true }), 'HEALTH_THRESHOLD');
      assert.equal(failure.nonRetryable, false);
    });
    it('matches status patterns', async () => {
      assert.equal((await health.http.run({ url: `${base}/down`, expectStatus: '503' })).status, 'healthy');
      assert.equal((await health.http.run({ url: `${base}/down`, expectStatus: '5xx' })).status, 'healthy');
      assert.equal((await health.http.run({ url: `${base}/`, expectStatus: '20x' })).status, 'healthy');
    });
  });

  describe('health.tcp', () => {
    it('is healthy when the port accepts, unhealthy when nothing listens', async () => {
      const listener = net.createServer((s) => s.end());
      await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
      try {
        const up = await health.tcp.run({ host: '127.0.0.1', port: (listener.address() as AddressInfo).port });
        assert.equal(up.status, 'healthy');
        assert.ok(typeof up.latencyMs === 'number');
      } finally {
        listener.close();
      }
      const down = await health.tcp.run({ host: '127.0.0.1', port: await freePort() });
      assert.equal(down.status, 'unhealthy');
      assert.match(down.reasons[0], /ECONNREFUSED/);
    });
  });

  describe('health.process', () => {
    let child: ChildProcess;
    before(() => {
      child = spawn('sleep', ['30'], { stdio: 'ignore' });
    });
    after(() => child.kill('SIGKILL'));

    it('finds a live process by pid and by name, with RSS and open files', async () => {
      const byPid = await health.process.run({ pid: child.pid! });
      assert.equal(byPid.status, 'healthy', byPid.reasons.join());
      assert.equal(byPid.processes[0].name, 'sleep');
      assert.ok((byPid.processes[0].rssMb ?? 0) > 0);
      assert.ok((byPid.processes[0].openFiles ?? 0) >= 0);
      const byName = await health.process.run({ name: 'sleep' });
      assert.ok(byName.processes.some((p) => p.pid === child.pid));
    });
    it('is degraded while stopped (SIGSTOP) and unhealthy once gone or over its limits', async () => {
      child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await health.process.run({ pid: child.pid! })).status, 'degraded');
      child.kill('SIGCONT');
      assert.equal((await health.process.run({ pid: child.pid!, maxRssMb: 0 })).status, 'unhealthy');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const gone = await health.process.run({ pid: child.pid! });
      assert.equal(gone.status, 'unhealthy');
      assert.match(gone.reasons[0], /0 running/);
      assert.equal((await health.process.run({ name: 'no-such-process-xyz' })).status, 'unhealthy');
    });
  });

  describe('health.command', () => {
    const saved = process.env.GENIE_COMMAND_ALLOWLIST;
    before(() => {
      process.env.GENIE_COMMAND_ALLOWLIST = 'sh,true';
    });
    after(() => {
      if (saved === undefined) delete process.env.GENIE_COMMAND_ALLOWLIST;
      else process.env.GENIE_COMMAND_ALLOWLIST = saved;
    });
    it('judges by exit code, Nagios style: 0 healthy, 1 degraded, 2 unhealthy', async () => {
      assert.equal((await health.command.run({ command: 'true' })).status, 'healthy');
      const warn = await health.command.run({ command: 'sh', args: ['-c', 'echo "WARNING - queue at 80%"; exit 1'] });
      assert.equal(warn.status, 'degraded');
      assert.match(warn.reasons[0], /exit 1: WARNING - queue at 80%/);
      assert.equal((await health.command.run({ command: 'sh', args: ['-c', 'exit 2'] })).status, 'unhealthy');
    });
    it('fails (the check is broken) when the command is not allowlisted', async () => {
      await failureOf(health.command.run({ command: 'ls' }), 'COMMAND_NOT_ALLOWED');
    });
  });
});
