/** Long-running commands stop on SIGINT or SIGTERM, and leave no listener behind for the next signal. */
import { strict as assert } from 'node:assert';
import { untilSignal } from '../../../src/cli/until-signal';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

describe('untilSignal', () => {
  // Mocha listens for SIGINT itself: set its listeners aside so the emitted signals reach only ours.
  let saved: Map<NodeJS.Signals, NodeJS.SignalsListener[]>;
  beforeEach(() => {
    saved = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
    for (const s of SIGNALS) process.removeAllListeners(s);
  });
  afterEach(() => {
    for (const s of SIGNALS) {
      process.removeAllListeners(s);
      for (const l of saved.get(s)!) process.on(s, l);
    }
  });

  for (const signal of SIGNALS) {
    it(`resolves with ${signal} and removes its listeners for both signals`, async () => {
      const waiting = untilSignal({ keepAlive: true });
      assert.deepEqual(
        SIGNALS.map((s) => process.listenerCount(s)),
        [1, 1],
      );
      // Emitted, not sent with kill: delivered to the listeners only, nothing can end the test process.
      process.emit(signal, signal);
      assert.equal(await waiting, signal);
      assert.deepEqual(
        SIGNALS.map((s) => process.listenerCount(s)),
        [0, 0],
        "a second Ctrl-C must get Node's default",
      );
    });
  }
});
