/**
 * Byzantine rounds in one process: 4 observers, some malicious, probing a region whose
 * health a test flips. The probe here is a function (the e2e tests probe real regions).
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ADVERSARY_KINDS,
  KeyRing,
  Observer,
  ObserverKey,
  QuorumTracker,
  Wire,
  adversary,
  httpProbe,
  verifyEquivocationProof,
  type AdversaryKind,
  type Participant,
  type Probe,
} from '../../../src/quorum';

function setup(bad: AdversaryKind[], state: { healthy: boolean }) {
  const probe: Probe = async () => ({ healthy: state.healthy, lagBytes: null, latencyMs: 0 });
  const keys = ['o1', 'o2', 'o3', 'o4'].map((id) => ObserverKey.generate(id));
  const participants: Participant[] = keys.map((k, i) => (i < bad.length ? adversary(bad[i], k) : new Observer(k, probe)));
  const tracker = new QuorumTracker(KeyRing.of(keys));
  return { tracker, wire: new Wire(tracker, participants) };
}

describe('Byzantine observers (in-process rounds)', () => {
  for (const kind of ADVERSARY_KINDS) {
    it(`1 of 4 ${kind}: never a false "down" in 200 rounds, and a real failure is still seen`, async () => {
      const state = { healthy: true };
      const { tracker, wire } = setup([kind], state);
      const signal = new AbortController().signal;
      for (let i = 0; i < 200; i++) {
        await wire.round(['east'], signal);
        assert.notEqual(tracker.decide('east').state, 'down', `round ${i}`);
      }
      assert.equal(tracker.decide('east').state, 'up');
      state.healthy = false;
      await wire.round(['east'], signal);
      assert.equal(tracker.decide('east').state, 'down');
      if (kind === 'equivocating') {
        assert.deepEqual(tracker.isolated(), ['o1']);
        assert.ok(tracker.proofs.length === 1 && verifyEquivocationProof(tracker.proofs[0]));
      }
      if (kind === 'forging') assert.ok(tracker.counts.forged > 100, `forgeries counted: ${tracker.counts.forged}`);
      if (kind === 'replaying') assert.ok(tracker.counts.replayed > 100, `replays counted: ${tracker.counts.replayed}`);
    });
  }

  it('2 of 4 malicious: no decision either way', async () => {
    for (const pair of [
      ['always-down', 'always-down'],
      ['equivocating', 'equivocating'],
      ['forging', 'replaying'],
    ] as AdversaryKind[][]) {
      const { tracker, wire } = setup(pair, { healthy: true });
      for (let i = 0; i < 20; i++) await wire.round(['east'], new AbortController().signal);
      const state = tracker.decide('east').state;
      assert.ok(state === 'undecided' || state === 'no-quorum', `${pair.join('+')}: ${state}`);
    }
  });
});

describe('http probe', () => {
  let server: Server;
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  before(async () => {
    server = createServer((req, res) => {
      if (mode === 'hang') return;
      res
        .writeHead(mode === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: mode === 'ok', replication: { lagBytes: 42 } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('is healthy only on a 2xx within the timeout, and reads the lag', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    const probe = httpProbe({ urls: { east: url, west: 'http://127.0.0.1:1/health' }, timeoutMs: 100 });
    const signal = new AbortController().signal;
    try {
      assert.deepEqual((({ healthy, lagBytes }) => ({ healthy, lagBytes }))(await probe('east', signal)), { healthy: true, lagBytes: 42 });
      mode = 'fail';
      assert.equal((await probe('east', signal)).reason, 'HTTP 503');
      mode = 'hang';
      const started = Date.now();
      const hung = await probe('east', signal);
      assert.equal(hung.healthy, false);
      assert.match(hung.reason ?? '', /no answer within 100ms/);
      assert.ok(Date.now() - started < 1_000, 'the probe gave up at its timeout instead of waiting for the hung server');
      assert.equal((await probe('west', signal)).healthy, false);
      assert.match((await probe('north', signal)).reason ?? '', /no health URL/);
    } finally {
      await probe.close();
    }
  });
});
