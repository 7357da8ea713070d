/**
 * What `genie nab` does, as a function: load a NAB-style corpus (or one file of it), stream
 * every series through a fresh detector, turn scores into detections with the frozen rule
 * of each profile (or the threshold given), score them by NAB's rules, and optionally draw
 * one series.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detections, type AlertRule } from '../predict/alerts';
import type { DetectorName } from '../predict/detector';
import { frozenRule } from '../predict/thresholds';
import { loadCorpus } from './dataset';
import { NabError } from './errors';
import { evaluate, scoreCorpusSeries, type ProfileResult } from './evaluate';
import { NAB_PROFILES, parseProfiles, type CostProfile } from './profiles';

export interface NabRunOptions {
  /** The folder holding the NAB subfolders (realKnownCause/, ...). */
  dataDir: string;
  windowsFile: string;
  /** NAB's config/profiles.json; default: the three published profiles. */
  profilesFile?: string;
  detector: DetectorName;
  /** Overrides every profile's frozen threshold. */
  threshold?: number;
  /** Overrides every profile's frozen cooldown. */
  cooldown?: number;
  verbose?: boolean;
  /** Only this series (path relative to dataDir, as in the windows file). */
  file?: string;
  /** Write an SVG of `file` here (needs `file`). */
  plot?: string;
}

export interface NabRunResult {
  detector: DetectorName;
  data: string;
  files: number;
  rows: number;
  windows: number;
  thresholds: 'frozen' | 'given';
  profiles: Record<string, { score: number | null } & Omit<ProfileResult, 'normalized' | 'profile'>>;
  plot?: string;
  note: string;
}

export async function runNab(options: NabRunOptions): Promise<NabRunResult> {
  if (options.plot && !options.file) throw new NabError('NAB_UNKNOWN_FILE', 'a plot draws one series: name it with --file <folder/file.csv>');
  const profiles: CostProfile[] = options.profilesFile ? parseProfiles(readJson(options.profilesFile), options.profilesFile) : [...NAB_PROFILES];
  const corpus = loadCorpus(options.dataDir, options.windowsFile, options.file ? [options.file] : undefined);
  const scored = scoreCorpusSeries(corpus, options.detector);
  const ruleFor = (profile: string): Required<AlertRule> => {
    const frozen = frozenRule(options.detector, profile);
    return { threshold: options.threshold ?? frozen.threshold, cooldown: options.cooldown ?? frozen.cooldown };
  };
  const results = evaluate(scored, profiles, ruleFor, options.verbose);
  const out: NabRunResult = {
    detector: options.detector,
    data: options.dataDir,
    files: corpus.length,
    rows: corpus.reduce((n, s) => n + s.values.length, 0),
    windows: results[0]?.windows ?? 0,
    thresholds: options.threshold === undefined ? 'frozen' : 'given',
    profiles: Object.fromEntries(results.map(({ profile, normalized, ...rest }) => [profile, { score: normalized, ...rest }])),
    note: "score: 100 = perfect detector, 0 = null detector (never fires); null when the files have no windows. Subset scores are not comparable with NAB's published full-corpus table.",
  };
  if (options.plot) {
    const [one] = scored;
    const rule = ruleFor('standard');
    // Loaded only when drawing: Vega is large and every other use of the CLI does without it.
    const { plotSpec, renderSvg } = await import('./plot');
    const svg = await renderSvg(
      plotSpec({
        title: `${one.series.name} — ${options.detector}, threshold ${rule.threshold.toFixed(3)}`,
        timestamps: one.series.timestamps,
        values: one.series.values,
        scores: one.scores,
        windows: one.series.windows,
        detections: detections(one.scores, rule).filter((r) => r >= one.scorer.probation),
        threshold: rule.threshold,
        probation: one.scorer.probation,
      }),
    );
    fs.mkdirSync(path.dirname(path.resolve(options.plot)), { recursive: true });
    fs.writeFileSync(options.plot, svg);
    out.plot = path.resolve(options.plot);
  }
  return out;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new NabError('NAB_BAD_PROFILES', `${file}: ${(error as Error).message}`);
  }
}
