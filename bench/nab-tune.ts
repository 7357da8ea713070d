/**
 * Tunes the frozen alert rules (src/predict/thresholds.json) on the NAB development split,
 * and on nothing else: `npm run build && node dist/bench/nab-tune.js [--write]`.
 *
 * How: every detector runs once over every file of the split as a stream (defaults,
 * seed 42). Then, as NAB's own optimizer does, for each profile separately the threshold
 * that maximizes the corpus's summed raw score is chosen — here jointly with a cooldown
 * from COOLDOWNS (rows the score must stay below the threshold before a new alert can
 * fire, src/predict/alerts.ts). Candidate
 * thresholds are the observed score values (up to 400 by rank plus the top 50); ties go to
 * the higher threshold. So there is one rule per detector per profile; the standard
 * profile's rule is the default wherever no profile is named (predict.score, the
 * watcher).
 *
 * Without --write it only prints what it would freeze.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCorpus, requireNabDir } from '../src/nab/dataset';
import { parseProfiles } from '../src/nab/profiles';
import { sweep } from '../src/nab/threshold-sweep';
import { scoreCorpusSeries } from '../src/nab/evaluate';
import { DETECTOR_NAMES } from '../src/predict/detector';
import type { FrozenRule, ThresholdsFile } from '../src/predict/thresholds';
import { projectRoot } from '../src/paths';
import { log } from './log';

export const COOLDOWNS = [0, 10, 50, 100, 200];

export function tune(): { file: ThresholdsFile; scores: Record<string, Record<string, number | null>> } {
  const dir = requireNabDir();
  const corpus = loadCorpus(path.join(dir, 'data'), path.join(dir, 'combined_windows.json'));
  const profiles = parseProfiles(JSON.parse(fs.readFileSync(path.join(dir, 'config', 'profiles.json'), 'utf8')));
  const detectors: Record<string, Record<string, FrozenRule>> = {};
  const scores: Record<string, Record<string, number | null>> = {};
  for (const name of DETECTOR_NAMES) {
    log(`tuning ${name}`);
    const files = scoreCorpusSeries(corpus, name);
    detectors[name] = {};
    scores[name] = {};
    for (const profile of profiles) {
      const best = sweep(files, profile, COOLDOWNS);
      detectors[name][profile.name] = { threshold: best.threshold, cooldown: best.cooldown };
      scores[name][profile.name] = best.score.normalized;
    }
  }
  const file: ThresholdsFile = {
    description:
      'Frozen alert rules per detector and NAB profile: an alert fires when the score reaches the threshold after at least `cooldown` rows below it (src/predict/alerts.ts). Written by bench/nab-tune.ts; do not edit by hand.',
    tunedOn: `NAB v1.1 development split (${corpus.length} files: ${[...new Set(corpus.map((s) => s.name.split('/')[0]))].join(', ')}), detectors with default options`,
    cooldowns: COOLDOWNS,
    detectors,
  };
  return { file, scores };
}

if (require.main === module) {
  const result = tune();
  if (process.argv.includes('--write')) {
    const target = path.join(projectRoot, 'src', 'predict', 'thresholds.json');
    fs.writeFileSync(target, JSON.stringify(result.file, null, 2) + '\n');
    log(`wrote ${target}; rebuild to use it`);
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
