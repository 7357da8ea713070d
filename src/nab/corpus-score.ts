/**
 * A corpus score: the files' raw scores summed, then normalized so that the null detector
 * (never fires: every window missed) scores 0 and the perfect detector (fires exactly at
 * each window's left edge) scores 100:
 *
 *     normalized = 100 · (S - S_null) / (S_perfect - S_null)
 *     S_perfect  = windows · A_TP,   S_null = -windows · A_FN
 *
 * A corpus without windows has no scale (both references score 0); it gets `null`, never a
 * division by zero.
 */
import type { CostProfile } from './profiles';
import type { FileScore } from './scorer';

export interface CorpusScore {
  profile: string;
  /** 0 = the null detector, 100 = the perfect one; null when the corpus has no windows. */
  normalized: number | null;
  raw: number;
  nullScore: number;
  perfectScore: number;
  windows: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function corpusScore(files: readonly FileScore[], profile: CostProfile): CorpusScore {
  let raw = 0,
    windows = 0,
    truePositives = 0,
    falsePositives = 0,
    falseNegatives = 0;
  for (const f of files) {
    raw += f.score;
    windows += f.windows;
    truePositives += f.truePositives;
    falsePositives += f.falsePositives;
    falseNegatives += f.falseNegatives;
  }
  const perfectScore = windows * profile.tp;
  const nullScore = -windows * profile.fn;
  const span = perfectScore - nullScore;
  return {
    profile: profile.name,
    normalized: span > 0 ? (100 * (raw - nullScore)) / span : null,
    raw,
    nullScore,
    perfectScore,
    windows,
    truePositives,
    falsePositives,
    falseNegatives,
  };
}
