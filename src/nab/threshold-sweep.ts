/**
 * Choosing a threshold the way NAB does: the one that maximizes the corpus's summed raw
 * score for a profile. Candidates are the distinct score values (at most `maxCandidates`,
 * spread by rank), since the detections only change where the threshold crosses a score.
 */
import { detections } from '../predict/alerts';
import { corpusScore, type CorpusScore } from './corpus-score';
import type { CostProfile } from './profiles';
import type { FileScorer } from './scorer';

export interface ScoredFile {
  scorer: FileScorer;
  scores: ArrayLike<number>;
}

export interface SweepResult {
  threshold: number;
  cooldown: number;
  score: CorpusScore;
}

export function candidateThresholds(files: readonly ScoredFile[], maxCandidates = 400): number[] {
  const all: number[] = [];
  for (const f of files) for (let i = f.scorer.probation; i < f.scores.length; i++) all.push(f.scores[i]);
  const distinct = [...new Set(all)].filter((s) => s > 0).sort((a, b) => a - b);
  if (distinct.length <= maxCandidates) return distinct;
  const out: number[] = [];
  for (let k = 0; k < maxCandidates; k++) out.push(distinct[Math.floor(((k + 0.5) * distinct.length) / maxCandidates)]);
  // The top scores decide the sparsest detections; keep them all.
  return [...new Set([...out, ...distinct.slice(-50)])].sort((a, b) => a - b);
}

export function scoreAt(files: readonly ScoredFile[], profile: CostProfile, threshold: number, cooldown: number): CorpusScore {
  return corpusScore(
    files.map((f) => f.scorer.score(detections(f.scores, { threshold, cooldown }), profile)),
    profile,
  );
}

/**
 * The best threshold for `profile` over `cooldowns`; ties go to the higher threshold (fewer
 * alerts). The threshold returned lies halfway between the winning score value and the next
 * lower score anywhere in the files: it makes exactly the same detections, and a frozen copy
 * does not hinge on a score being reproduced to the last bit.
 */
export function sweep(
  files: readonly ScoredFile[],
  profile: CostProfile,
  cooldowns: readonly number[] = [0],
  candidates = candidateThresholds(files),
): SweepResult {
  let best: SweepResult | undefined;
  for (const cooldown of cooldowns) {
    for (const threshold of candidates) {
      const score = scoreAt(files, profile, threshold, cooldown);
      if (!best || score.raw > best.score.raw || (score.raw === best.score.raw && threshold > best.threshold)) best = { threshold, cooldown, score };
    }
  }
  if (!best) return { threshold: 1, cooldown: cooldowns[0] ?? 0, score: scoreAt(files, profile, 1, cooldowns[0] ?? 0) };
  let below = -Infinity;
  for (const f of files) for (let i = 0; i < f.scores.length; i++) if (f.scores[i] < best.threshold && f.scores[i] > below) below = f.scores[i];
  return Number.isFinite(below) ? { ...best, threshold: (best.threshold + below) / 2 } : best;
}
