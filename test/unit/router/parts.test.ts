/** Small pure parts: the shadow ring, fault decisions, header rewriting, the admin token. */
import { strict as assert } from 'node:assert';
import { BearerToken } from '../../../src/router/admin-auth';
import { decideFault } from '../../../src/router/faults';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../../../src/router/headers';
import { ShadowRing } from '../../../src/router/shadow-ring';
import { seededRandom } from './seeded';

function pair(n: number) {
  const response = { pool: 'p', status: 200, headers: {}, body: String(n), bodyBytes: 1, truncated: false, latencyMs: 1 };
  return {
    at: '',
    route: 'r',
    request: { method: 'GET', path: `/${n}`, headers: {}, body: '', bodyBytes: 0, truncated: false },
    primary: response,
    shadow: response,
  };
}

describe('router parts', () => {
  describe('shadow ring', () => {
    it('keeps the newest pairs up to its capacity, oldest first', () => {
      const ring = new ShadowRing(3);
      for (let i = 1; i <= 5; i++) ring.push(pair(i));
      assert.deepEqual(
        ring.list().map((p) => p.request.path),
        ['/3', '/4', '/5'],
      );
      assert.deepEqual(
        ring.list().map((p) => p.seq),
        [3, 4, 5],
      );
      assert.deepEqual(ring.stats(), { capacity: 3, size: 3, captured: 5, overwritten: 2, lastSeq: 5 });
      assert.deepEqual(
        ring.list({ limit: 2 }).map((p) => p.seq),
        [4, 5],
      );
      assert.deepEqual(
        ring.list({ since: 4 }).map((p) => p.seq),
        [5],
      );
    });

    it('clears, resizes keeping the newest, and keeps nothing at capacity 0', () => {
      const ring = new ShadowRing(5);
      for (let i = 1; i <= 4; i++) ring.push(pair(i));
      ring.resize(2);
      assert.deepEqual(
        ring.list().map((p) => p.seq),
        [3, 4],
      );
      ring.push(pair(5));
      assert.deepEqual(
        ring.list().map((p) => p.seq),
        [4, 5],
      );
      ring.clear();
      assert.equal(ring.list().length, 0);
      ring.push(pair(6));
      assert.equal(ring.list()[0].seq, 6, 'seq keeps increasing after a clear');
      const off = new ShadowRing(0);
      off.push(pair(1));
      assert.equal(off.enabled, false);
      assert.equal(off.list().length, 0);
    });
  });

  describe('fault decisions', () => {
    it('delays, aborts and errors in the configured proportions', () => {
      const random = seededRandom(3);
      const faults = { delayMs: 100, delayPercent: 50, abortPercent: 10, errorPercent: 20, errorStatus: 503 };
      const n = 20_000;
      let delayed = 0,
        aborted = 0,
        errored = 0;
      for (let i = 0; i < n; i++) {
        const d = decideFault(faults, random);
        if (d.delayMs === 100) delayed++;
        if (d.outcome === 'abort') aborted++;
        if (d.outcome === 'error') errored++;
      }
      assert.ok(Math.abs(delayed / n - 0.5) < 0.02, `delayed ${delayed}`);
      assert.ok(Math.abs(aborted / n - 0.1) < 0.01, `aborted ${aborted}`);
      assert.ok(Math.abs(errored / n - 0.2) < 0.015, `errored ${errored}`);
      assert.deepEqual(decideFault(undefined), { delayMs: 0, outcome: 'pass' });
    });
  });

  describe('headers', () => {
    it('drops hop-by-hop request headers and those Connection names, and sets X-Forwarded-*', () => {
      const h = upstreamRequestHeaders(
        [
          'Host',
          'app.example.com',
          'Connection',
          'keep-alive, X-Trace',
          'X-Trace',
          'abc',
          'Keep-Alive',
          'timeout=5',
          'TE',
          'trailers',
          'Upgrade',
          'h2c',
          'Proxy-Authorization',
          'Basic x',
          'X-Forwarded-For',
          '10.0.0.1',
          'Accept',
          'application/json',
          'Content-Length',
          '5',
        ],
        '127.0.0.1',
      );
      const names = h.list.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      for (const dropped of ['host', 'connection', 'x-trace', 'keep-alive', 'te', 'upgrade', 'proxy-authorization'])
        assert.ok(!names.includes(dropped), dropped);
      const get = (name: string) => h.list[h.list.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === name) + 1];
      assert.equal(get('x-forwarded-for'), '10.0.0.1, 127.0.0.1');
      assert.equal(get('x-forwarded-host'), 'app.example.com');
      assert.equal(get('x-forwarded-proto'), 'http');
      assert.equal(get('accept'), 'application/json');
      assert.equal(h.host, 'app.example.com');
      assert.equal(h.hasBody, true);
      assert.equal(h.contentLength, 5);
      const chunked = upstreamRequestHeaders(['Transfer-Encoding', 'chunked'], undefined);
      assert.equal(chunked.hasBody, true);
      assert.equal(chunked.contentLength, -1);
      assert.equal(upstreamRequestHeaders([], undefined).hasBody, false);
    });

    it('drops hop-by-hop response headers and keeps repeated ones', () => {
      const raw = [
        'Content-Type',
        'text/plain',
        'Connection',
        'keep-alive',
        'Keep-Alive',
        'timeout=5',
        'Transfer-Encoding',
        'chunked',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
      ].map((s) => Buffer.from(s));
      assert.deepEqual(downstreamResponseHeaders(raw), ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
    });
  });

  describe('admin token', () => {
    it('accepts exactly "Bearer <token>"', () => {
      const token = new BearerToken('s3cret-token');
      assert.equal(token.matches('Bearer s3cret-token'), true);
      assert.equal(token.matches('bearer s3cret-token'), true);
      assert.equal(token.matches('Bearer s3cret-tokeN'), false);
      assert.equal(token.matches('Bearer s3cret'), false);
      assert.equal(token.matches('s3cret-token'), false);
      assert.equal(token.matches('Basic s3cret-token'), false);
      assert.equal(token.matches(undefined), false);
      assert.throws(() => new BearerToken(''));
    });
  });
});
