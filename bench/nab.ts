/**
 * `npm run bench:nab`: prints one JSON object (progress on stderr).
 *
 * - NAB scores on the development split (../shared/datasets/nab or $GENIE_NAB_DIR) for
 *   every detector and the ensemble, with the FROZEN rules of src/predict/thresholds.json
 *   (nothing is tuned here), under the three profiles; plus the isolation-forest detector
 *   with ml-isolation-forest (wrapped) as its forest, same features and frozen rule.
 * - Throughput (points/s on one core), heap per stream and snapshot size per detector.
 * - Isolation-forest fit of 10k rows: ours vs ml-isolation-forest, raw and wrapped.
 *
 * Subset scores: 18 of NAB's 58 files. They are not comparable with the published
 * full-corpus scoreboard, which is included for context only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCorpus, requireNabDir } from '../src/nab/dataset';
import { evaluate, scoreCorpusSeries } from '../src/nab/evaluate';
import { parseProfiles } from '../src/nab/profiles';
import { DETECTOR_NAMES, LikelihoodDetector } from '../src/predict/detector';
import { IsolationForestDetector } from '../src/predict/iforest-detector';
import { FROZEN, frozenRule } from '../src/predict/thresholds';
import { wrappedMlForest } from './isolation-forest-reference';
import { log } from './log';
import { compareForests } from './nab-forest';
import { PUBLISHED_FULL_CORPUS } from './nab-published';
import { detectorCosts } from './nab-throughput';

const round = (x: number | null, digits = 1) => (x === null ? null : Number(x.toFixed(digits)));

function nabScores() {
  const dir = requireNabDir();
  const corpus = loadCorpus(path.join(dir, 'data'), path.join(dir, 'combined_windows.json'));
  const profiles = parseProfiles(JSON.parse(fs.readFileSync(path.join(dir, 'config', 'profiles.json'), 'utf8')));
  const scores: Record<string, Record<string, unknown>> = {};
  const run = (label: string, source: Parameters<typeof scoreCorpusSeries>[1], rulesOf: (typeof DETECTOR_NAMES)[number]) => {
    log(`NAB: ${label}`);
    const t0 = performance.now();
    const results = evaluate(scoreCorpusSeries(corpus, source), profiles, (p) => frozenRule(rulesOf, p));
    scores[label] = {
      ...Object.fromEntries(results.map((r) => [r.profile, round(r.normalized)])),
      detail: Object.fromEntries(
        results.map((r) => [
          r.profile,
          {
            threshold: round(r.rule.threshold, 4),
            cooldown: r.rule.cooldown,
            truePositives: r.truePositives,
            falsePositives: r.falsePositives,
            falseNegatives: r.falseNegatives,
          },
        ]),
      ),
      seconds: round((performance.now() - t0) / 1000, 2),
    };
  };
  for (const name of DETECTOR_NAMES) run(name, name, name);
  run('iforest (ml-isolation-forest, wrapped)', () => new LikelihoodDetector('iforest', new IsolationForestDetector({}, wrappedMlForest)), 'iforest');
  return {
    split: 'NAB v1.1 development split (subset): ' + [...new Set(corpus.map((s) => s.name.split('/')[0]))].join(', '),
    files: corpus.length,
    rows: corpus.reduce((n, s) => n + s.values.length, 0),
    windows: corpus.reduce((n, s) => n + s.windows.length, 0),
    thresholds: `frozen: src/predict/thresholds.json (${FROZEN.tunedOn})`,
    scores,
    caveat: 'Subset scores (18 of 58 files, thresholds tuned on this same split): NOT comparable with the published full-corpus scoreboard below.',
    publishedFullCorpus: PUBLISHED_FULL_CORPUS,
  };
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const nab = nabScores();
  log('throughput and memory per detector');
  const detectors = detectorCosts();
  log('isolation forest fit: ours vs ml-isolation-forest');
  const forest = compareForests();
  const statistical = (['robust-z', 'ewma', 'seasonal'] as const).map((d) => detectors[d].pointsPerSecondPerCore);
  const ensemble = nab.scores.ensemble as Record<string, number>;
  const result = {
    benchmark: 'nab',
    started,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}` },
    nab,
    detectors,
    isolationForestFit10k: forest,
    targets: {
      ensembleStandardAbove: 39.6,
      ensembleStandardAim: [58, 70],
      statisticalPointsPerSecond: 100_000,
      isolationForestFit10kMs: 200,
    },
    withinTargets: {
      ensembleBeatsWindowedGaussian: ensemble.standard > 39.6,
      ensembleInAimBand: ensemble.standard >= 58,
      statisticalThroughput: statistical.every((p) => p >= 100_000),
      isolationForestFit: forest.fitMs.ours <= 200,
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench:nab failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
