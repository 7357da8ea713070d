/**
 * Soak (issue 13 §1): consecutive failovers on 3 real PostgreSQL regions (synchronous
 * replication, the router in front, a steady write load), each followed by the rejoin the
 * bench does — first alternating kill/hang, then a seeded random order (the seed is printed;
 * rerun one with GENIE_SOAK_SEED). Every trial must fail over, detect→switched within a loose
 * 2 s (the machine is shared; the tight 300/500 ms figures belong to `npm run bench:failover`).
 * On 63c09f6 the sequence stopped at the first hang trial whose probes a GC caught: `quiet`.
 * Long: run with `npm run test:soak`, not `npm test`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WriteLoad } from '../../src/failover';
import { Mulberry32 } from '../../src/predict/prng';
import { failoverTrial, rejoinAsStandby } from '../../src/quorum/trial';
import { useFailoverEnvironment } from '../helpers/postgres';
import { failoverPorts } from '../../activities/failover';

const TRIALS_PER_ORDER = Number(process.env.GENIE_SOAK_TRIALS ?? 20);

describe('failover sequence soak: kill and hang, alternating then random, on real PostgreSQL', function () {
  this.timeout(0);
  const env = useFailoverEnvironment({ regions: 3, synchronous: true, upstreamTimeout: '1s' });
  let stateDir: string;
  let load: WriteLoad;
  let primary = 'r1';
  let epoch = 0;
  before(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-soak-failover-'));
    load = new WriteLoad({ url: env().routerUrl, intervalMs: 5, timeoutMs: 3_000 }).start();
  });
  after(async () => {
    await load?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const run = async (label: string, faults: ('kill' | 'hang')[]) => {
    for (const [i, fault] of faults.entries()) {
      const t = await failoverTrial(env(), { primary, fault, load, portsFor: failoverPorts, stateDir, key: `${label}-${i}`, epoch });
      const detectToSwitched = t.switchMs !== undefined && t.detectMs !== undefined ? t.switchMs - t.detectMs : undefined;
      process.stderr.write(
        `${label} ${i + 1}/${faults.length} ${fault}: ${t.outcome} ${t.from}→${t.to ?? '-'} detect ${t.detectMs} quorum ${t.quorumMs} decide ${t.decideMs} switch ${t.switchMs} ms\n`,
      );
      assert.equal(t.outcome, 'failed-over', `${label} trial ${i + 1} (${fault} of ${t.from}, epoch ${epoch}): ${t.outcome}: ${t.reason}`);
      assert.ok(detectToSwitched !== undefined && detectToSwitched < 2_000, `${label} trial ${i + 1}: detect→switched ${detectToSwitched} ms`);
      await rejoinAsStandby(env(), t.from, t.to!);
      primary = t.to!;
      epoch = t.result.epoch;
    }
  };

  it(`${TRIALS_PER_ORDER} alternating kill/hang failovers in a row`, async () => {
    await run(
      'alternating',
      Array.from({ length: TRIALS_PER_ORDER }, (_, i) => (i % 2 ? 'hang' : 'kill')),
    );
  });

  it(`${TRIALS_PER_ORDER} more in a seeded random order (continuing the same regions)`, async () => {
    const seed = Number(process.env.GENIE_SOAK_SEED ?? Date.now() % 2 ** 31);
    process.stderr.write(`failover soak seed: ${seed} (GENIE_SOAK_SEED=${seed} reruns this order)\n`);
    const rng = new Mulberry32(seed);
    await run(
      `random(seed ${seed})`,
      Array.from({ length: TRIALS_PER_ORDER }, () => (rng.next() < 0.5 ? 'kill' : 'hang')),
    );
  });
});
