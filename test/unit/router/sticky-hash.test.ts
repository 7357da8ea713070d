/** Weighted rendezvous hashing: stable per key, proportional to weights, minimal movement when weights shift. */
import { strict as assert } from 'node:assert';
import { hashString, rendezvousPick, type HashCandidate } from '../../../src/router/sticky-hash';

const candidates = (weights: Record<string, number>): HashCandidate[] =>
  Object.entries(weights).map(([name, weight]) => ({ nameHash: hashString(name), weight }));
const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}@example.com`);

describe('router sticky hashing', () => {
  it('sends the same key to the same pool every time', () => {
    const c = candidates({ stable: 50, canary: 50 });
    for (const key of KEYS.slice(0, 200)) assert.equal(rendezvousPick(key, c), rendezvousPick(key, c));
  });

  it('spreads keys in proportion to the weights (90/10 within 1 point)', () => {
    const c = candidates({ stable: 90, canary: 10 });
    const canary = KEYS.filter((k) => rendezvousPick(k, c) === 1).length;
    assert.ok(Math.abs((canary / KEYS.length) * 100 - 10) < 1, `${canary} of ${KEYS.length} on canary`);
  });

  it('moves only the keys that must move when the canary grows, and none back', () => {
    const before = candidates({ stable: 90, canary: 10 });
    const after = candidates({ stable: 75, canary: 25 });
    let movedToCanary = 0;
    for (const key of KEYS) {
      const was = rendezvousPick(key, before);
      const is = rendezvousPick(key, after);
      if (was === 1) assert.equal(is, 1, `${key} left the canary when its weight grew`);
      if (was === 0 && is === 1) movedToCanary++;
    }
    // About 15% of all keys should move (25% - 10%).
    assert.ok(Math.abs((movedToCanary / KEYS.length) * 100 - 15) < 1.2, `${movedToCanary} moved`);
  });

  it('keeps keys on their pool when a third pool appears, except those it takes', () => {
    const two = candidates({ a: 50, b: 50 });
    const three = [...two, ...candidates({ c: 50 })];
    for (const key of KEYS.slice(0, 2000)) {
      const is = rendezvousPick(key, three);
      if (is !== 2) assert.equal(is, rendezvousPick(key, two));
    }
  });

  it('never picks a weight-0 candidate; -1 when nothing has weight', () => {
    const c = candidates({ a: 0, b: 100 });
    for (const key of KEYS.slice(0, 500)) assert.equal(rendezvousPick(key, c), 1);
    assert.equal(rendezvousPick('x', candidates({ a: 0 })), -1);
  });
});
