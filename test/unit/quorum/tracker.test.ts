/** The quorum: 2f+1 fresh, correctly signed verdicts decide; every bad verdict is rejected and counted. */
import { strict as assert } from 'node:assert';
import { KeyRing, ObserverKey, QuorumTracker, canonicalBytes, verifyEquivocationProof, type SignedVerdict } from '../../../src/quorum';

const T0 = 1_700_000_000_000;
const keys = ['o1', 'o2', 'o3', 'o4'].map((id) => ObserverKey.generate(id));
const seqs = new Map<string, number>();
function verdict(key: ObserverKey, healthy: boolean, at = T0, extra: Partial<SignedVerdict> = {}): SignedVerdict {
  const seq = (seqs.get(key.observerId) ?? 0) + 1;
  seqs.set(key.observerId, seq);
  return key.sign({ observerId: key.observerId, region: 'east', epoch: 0, seq, healthy, lagBytes: null, observedAt: at, ...extra });
}
const tracker = () => new QuorumTracker(KeyRing.of(keys));

describe('quorum tracker', () => {
  it('signs the seven fields in a fixed order behind a domain tag', () => {
    const bytes = canonicalBytes({ observerId: 'o1', region: 'east', epoch: 2, seq: 7, healthy: false, lagBytes: 10, observedAt: 5 }).toString();
    assert.equal(bytes, 'genie.quorum.verdict.v1\n["o1","east",2,7,false,10,5]');
    assert.throws(
      () => canonicalBytes({ observerId: 'o1', region: 'east', epoch: 1.5, seq: 7, healthy: false, lagBytes: 10, observedAt: 5 }),
      /verdict.epoch must be a non-negative integer/,
    );
  });

  it('needs n >= 3f+1 observers', () => {
    assert.throws(() => new QuorumTracker(KeyRing.of(keys.slice(0, 3)), { f: 1 }), /3 observers cannot tolerate f=1.*at least 3f\+1 = 4/);
    const t = tracker();
    assert.equal(t.f, 1);
    assert.equal(t.quorum, 3);
  });

  it('declares down only on 2f+1 matching fresh verdicts, and up likewise', () => {
    const t = tracker();
    for (const k of keys.slice(0, 2)) assert.deepEqual(t.ingest(verdict(k, false), T0), { accepted: true });
    assert.equal(t.decide('east', T0).state, 'undecided');
    t.ingest(verdict(keys[2], false), T0);
    const down = t.decide('east', T0);
    assert.equal(down.state, 'down');
    assert.equal(down.verdicts.length, 3);
    assert.ok(
      down.verdicts.every((v) => t.ring.verify(v)),
      'the evidence re-verifies',
    );
    // The verdicts age out: nothing is decided on old news.
    assert.equal(t.decide('east', T0 + 401).state, 'undecided');
    for (const k of keys) t.ingest(verdict(k, true, T0 + 500), T0 + 500);
    assert.equal(t.decide('east', T0 + 500).state, 'up');
  });

  it('one liar can never reach a quorum, either way', () => {
    const t = tracker();
    t.ingest(verdict(keys[0], false), T0);
    for (const k of keys.slice(1)) t.ingest(verdict(k, true), T0);
    assert.equal(t.decide('east', T0).state, 'up');
    const t2 = tracker();
    t2.ingest(verdict(keys[0], true, T0 + 10), T0 + 10);
    for (const k of keys.slice(1)) t2.ingest(verdict(k, false, T0 + 10), T0 + 10);
    assert.equal(t2.decide('east', T0 + 10).state, 'down');
  });

  it('rejects and counts replays, stale and future verdicts, wrong epochs, forgeries and strangers', () => {
    const t = tracker();
    const v = verdict(keys[0], true);
    assert.deepEqual(t.ingest(v, T0), { accepted: true });
    assert.deepEqual(t.ingest(v, T0), { accepted: false, reason: 'replayed' });
    const older = keys[0].sign({ ...v, seq: v.seq - 1 });
    assert.deepEqual(t.ingest(older, T0), { accepted: false, reason: 'replayed' });
    assert.deepEqual(t.ingest(verdict(keys[1], false, T0 - 1000), T0), { accepted: false, reason: 'stale' });
    assert.deepEqual(t.ingest(verdict(keys[1], false, T0 + 1000), T0), { accepted: false, reason: 'future' });
    t.setEpoch(1);
    assert.deepEqual(t.ingest(verdict(keys[2], false), T0), { accepted: false, reason: 'stale-epoch' });
    assert.deepEqual(t.ingest(verdict(keys[2], false, T0, { epoch: 2 }), T0), { accepted: false, reason: 'future-epoch' });
    // o4's name, o3's key; and o1's real verdict with "healthy" flipped.
    const inName = {
      ...verdict(keys[3], false, T0, { epoch: 1 }),
      signature: keys[2].sign({ observerId: 'o3', region: 'east', epoch: 1, seq: 99, healthy: false, lagBytes: null, observedAt: T0 }).signature,
    };
    assert.deepEqual(t.ingest(inName, T0), { accepted: false, reason: 'forged' });
    const real = verdict(keys[0], true, T0, { epoch: 1 });
    assert.deepEqual(t.ingest({ ...real, healthy: false }, T0), { accepted: false, reason: 'forged' });
    // The forgery did not burn o1's seq: its real verdict still counts.
    assert.deepEqual(t.ingest(real, T0), { accepted: true });
    assert.deepEqual(t.ingest({ ...real, observerId: 'o9' }, T0), { accepted: false, reason: 'unknown-observer' });
    assert.deepEqual(t.ingest({ ...real, seq: -1 }, T0), { accepted: false, reason: 'malformed' });
    assert.deepEqual(t.ingest('down', T0), { accepted: false, reason: 'malformed' });
    assert.equal(t.counts.accepted, 2);
    assert.deepEqual(
      {
        replayed: t.counts.replayed,
        stale: t.counts.stale,
        future: t.counts.future,
        staleEpoch: t.counts['stale-epoch'],
        futureEpoch: t.counts['future-epoch'],
        forged: t.counts.forged,
        unknown: t.counts['unknown-observer'],
        malformed: t.counts.malformed,
      },
      { replayed: 2, stale: 1, future: 1, staleEpoch: 1, futureEpoch: 1, forged: 2, unknown: 1, malformed: 2 },
    );
  });

  it('turns equivocation into a proof anyone can verify, and isolates the observer', () => {
    const t = tracker();
    const up = verdict(keys[0], true);
    const down = keys[0].sign({ ...up, healthy: false });
    assert.deepEqual(t.ingest(up, T0), { accepted: true });
    const result = t.ingest(down, T0);
    assert.equal(result.accepted, false);
    assert.equal(!result.accepted && result.reason, 'equivocation');
    const proof = !result.accepted ? result.proof! : undefined;
    assert.ok(proof);
    const copy = JSON.parse(JSON.stringify(proof));
    assert.equal(verifyEquivocationProof(copy), true);
    assert.equal(verifyEquivocationProof(copy, keys[0].publicKeyText()), true);
    assert.equal(verifyEquivocationProof(copy, keys[1].publicKeyText()), false, 'not under another key');
    assert.equal(verifyEquivocationProof({ ...copy, second: { ...copy.second, healthy: true } }), false, 'two equal verdicts prove nothing');
    assert.equal(verifyEquivocationProof({ ...copy, second: { ...copy.second, seq: copy.second.seq + 1 } }), false);
    assert.deepEqual(t.isolated(), ['o1']);
    assert.deepEqual(t.ingest(verdict(keys[0], false), T0), { accepted: false, reason: 'isolated' });
    // An invalid signature on the conflicting copy is a forgery, not a proof against o2.
    const o2 = verdict(keys[1], true);
    t.ingest(o2, T0);
    assert.deepEqual(t.ingest({ ...o2, healthy: false }, T0), { accepted: false, reason: 'forged' });
    assert.deepEqual(t.isolated(), ['o1']);
  });

  it('cannot decide with more than f observers isolated', () => {
    const t = tracker();
    for (const k of keys.slice(0, 2)) {
      const v = verdict(k, true);
      t.ingest(v, T0);
      t.ingest(k.sign({ ...v, healthy: false }), T0);
    }
    for (const k of keys.slice(2)) t.ingest(verdict(k, false), T0);
    assert.equal(t.decide('east', T0).state, 'no-quorum');
  });

  it("takes a standby's lag from the (f+1)-th largest report, so one liar cannot move it outside the honest range", () => {
    const t = tracker();
    const lags = [0, 100, 200, 300];
    keys.forEach((k, i) => t.ingest(verdict(k, true, T0, { lagBytes: lags[i] }), T0));
    assert.equal(t.decide('east', T0).lagBytes, 200);
    const t2 = tracker();
    [10 ** 12, 100, 200, 300].forEach((lag, i) => t2.ingest(verdict(keys[i], true, T0 + 1, { lagBytes: lag }), T0 + 1));
    assert.equal(t2.decide('east', T0 + 1).lagBytes, 300);
  });

  it('meters signature verification; junk costs none', () => {
    const t = tracker();
    const before = t.meter.verifications;
    t.ingest(verdict(keys[0], true, T0 - 10_000), T0); // stale: rejected before verifying
    t.ingest(verdict(keys[1], true), T0);
    assert.equal(t.meter.verifications - before, 1);
    assert.ok(t.meter.nanos > 0n);
  });
});
