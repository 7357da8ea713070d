/**
 * Running a detector over a NAB corpus and scoring it: each file is a fresh stream fed one
 * row at a time (the detector never sees a row before scoring it, nor any later row),
 * the scores become detections by an alert rule per profile, and the detections are scored
 * by NAB's rules.
 */
import { detections, type AlertRule } from '../predict/alerts';
import type { Detector, DetectorName } from '../predict/detector';
import { MetricStream } from '../predict/metric-stream';
import { createDetector, type DetectorOptions } from '../predict/registry';
import { corpusScore, type CorpusScore } from './corpus-score';
import type { NabSeries } from './dataset';
import type { CostProfile } from './profiles';
import { FileScorer, type FileScore } from './scorer';

export interface ScoredSeries {
  series: NabSeries;
  scores: Float64Array;
  scorer: FileScorer;
}

/** A detector by name (with options), or a factory for one: each series gets a fresh one. */
export type DetectorSource = DetectorName | (() => Detector);

/** Scores of a series streamed through a fresh detector, row by row. */
export function streamScores(values: ArrayLike<number>, detector: DetectorSource, options: DetectorOptions = {}): Float64Array {
  const stream = new MetricStream(typeof detector === 'function' ? detector() : createDetector(detector, options));
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) scores[i] = stream.push(values[i]).score;
  return scores;
}

export function scoreCorpusSeries(corpus: readonly NabSeries[], detector: DetectorSource, options: DetectorOptions = {}): ScoredSeries[] {
  return corpus.map((series) => ({
    series,
    scores: streamScores(series.values, detector, options),
    scorer: new FileScorer(series.values.length, series.windows),
  }));
}

export interface FileDetail {
  file: string;
  rows: number;
  probation: number;
  windows: { start: string; end: string; firstDetection: string | null }[];
  detections: number;
  score: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface ProfileResult extends CorpusScore {
  rule: Required<AlertRule>;
  files?: FileDetail[];
}

/** The corpus score for each profile under its rule, with per-file detail when `verbose`. */
export function evaluate(
  scored: readonly ScoredSeries[],
  profiles: readonly CostProfile[],
  ruleFor: (profile: string) => Required<AlertRule>,
  verbose = false,
): ProfileResult[] {
  return profiles.map((profile) => {
    const rule = ruleFor(profile.name);
    const perFile = scored.map((s) => {
      const found = detections(s.scores, rule);
      return { s, found, score: s.scorer.score(found, profile) };
    });
    const total = corpusScore(
      perFile.map((f) => f.score),
      profile,
    );
    return { ...total, rule, ...(verbose ? { files: perFile.map((f) => detail(f.s, f.found, f.score)) } : {}) };
  });
}

function detail(s: ScoredSeries, found: number[], score: FileScore): FileDetail {
  const at = (row: number | null) => (row === null ? null : s.series.timestamps[row]);
  const counted = s.series.windows.filter((w) => w.end >= s.scorer.probation).sort((a, b) => a.start - b.start);
  return {
    file: s.series.name,
    rows: s.series.values.length,
    probation: s.scorer.probation,
    windows: counted.map((w, i) => ({ start: s.series.timestamps[w.start], end: s.series.timestamps[w.end], firstDetection: at(score.firstDetections[i]) })),
    detections: found.filter((r) => r >= s.scorer.probation).length,
    score: score.score,
    truePositives: score.truePositives,
    falsePositives: score.falsePositives,
    falseNegatives: score.falseNegatives,
  };
}
