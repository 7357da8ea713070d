/**
 * Regression for issue 13 §1 (hang 2/20: a down quorum at 214 ms, then `quiet` for 30 s).
 * The probe of a hung region relied on AbortSignal.timeout inside AbortSignal.any; on Node 20
 * a garbage collection can collect that timeout signal before it fires (nodejs/node#57736),
 * so the probe never returned, no observer delivered another verdict about the primary, and
 * the detector — fed only by deliveries — never saw the down held long enough to confirm it.
 * A hung region is stood in for by a TCP server that accepts and never answers (what a
 * SIGSTOPped app looks like from outside); the GC is forced where the bench's load made one.
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { httpProbe } from '../../../src/quorum/probe';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('probe timeout of a hung region', () => {
  let server: net.Server;
  let url: string;
  before(async () => {
    server = net.createServer(() => {
      /* accepts, never answers */
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/health`;
  });
  after(() => server.close());

  it('answers "unhealthy: no answer" within its timeout even when a GC runs during the probe', async () => {
    const probe = httpProbe({ urls: { r1: url }, timeoutMs: 200 });
    const outer = new AbortController();
    try {
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        const gcSoon = setTimeout(gc, 50);
        const result = await Promise.race([probe('r1', outer.signal), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 2_000))]);
        clearTimeout(gcSoon);
        if (result === 'hung') assert.fail(`probe ${i + 1} never returned after a GC (the timeout signal was collected)`);
        assert.equal(result.healthy, false);
        assert.match(result.reason ?? '', /no answer within 200ms/);
        assert.ok(Date.now() - started < 1_500, `probe ${i + 1} took ${Date.now() - started} ms`);
      }
    } finally {
      outer.abort();
      await probe.close();
    }
  });
});
