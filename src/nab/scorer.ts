/**
 * NAB's scoring rule for one file, written from its published description (Lavin & Ahmad
 * 2015, "Evaluating Real-time Anomaly Detection Algorithms – the Numenta Anomaly Benchmark"):
 *
 * - The first `min(floor(0.15·N), 750)` rows are probationary: detections there count for
 *   nothing, and a window wholly inside them is not scored.
 * - Inside a window only the earliest detection counts, earning `A_TP·σ(y)/σ(-1)`, where
 *   `σ(y) = 2/(1+e^{5y}) - 1` and y is the detection's relative position. Rows are
 *   positioned as NAB's sweeper does: row i of a window [l, r] of width w = r-l+1 sits at
 *   `y = -(r - i + 1)/w`, so the left edge is exactly -1 (full credit) and the last row is
 *   -1/w (the point just past the window would be 0, no credit).
 * - A window without a detection costs `A_FN`.
 * - A detection outside every window costs `A_FP` when no window precedes it; after a
 *   window it costs `-A_FP·σ(y)` with `y = (i - r)/(w - 1)`, the distance past that window's
 *   right edge in window widths, so an alarm just late is barely punished and one far
 *   away costs the full `A_FP` (beyond y = 3 NAB takes exactly -1).
 *
 * Every row is scored independently of the threshold, so the weights are computed once per
 * file and a set of detections is scored by summing them.
 */
import type { CostProfile } from './profiles';
import { NabError } from './errors';

/** An anomaly window as inclusive row indices. */
export interface LabelWindow {
  start: number;
  end: number;
}

export interface FileScore {
  /** The file's raw score under the profile: tpScore + fpScore + fnScore. */
  score: number;
  tpScore: number;
  fpScore: number;
  fnScore: number;
  /** Windows that count (not wholly probationary). */
  windows: number;
  /** Windows with at least one detection. */
  truePositives: number;
  /** Detections outside every window, after the probationary period. */
  falsePositives: number;
  /** Windows without a detection. */
  falseNegatives: number;
  /** For each counted window, the row of its earliest detection, or null. */
  firstDetections: (number | null)[];
}

export const PROBATION_FRACTION = 0.15;
export const PROBATION_CAP = 750;

/** Rows at the start of a file whose detections are ignored: `min(floor(0.15·N), 750)`. */
export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_CAP);
}

/** NAB's scaled sigmoid: 1 → -1 as y goes from -∞ to +∞, 0 at y = 0; exactly -1 beyond y = 3. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

export class FileScorer {
  readonly probation: number;
  /** Per row: index of the counted window holding it, or -1. */
  private readonly windowOf: Int32Array;
  /** Per row: σ-weight before the profile's scale (TP credit in a window, FP cost outside, 0 in probation). */
  private readonly unweighted: Float64Array;
  private readonly counted: LabelWindow[];

  constructor(
    readonly rows: number,
    windows: readonly LabelWindow[],
  ) {
    this.probation = probationaryLength(rows);
    const sorted = checkWindows(windows, rows);
    // A window wholly inside the probationary period can be neither found nor missed.
    this.counted = sorted.filter((w) => w.end >= this.probation);
    this.windowOf = new Int32Array(rows).fill(-1);
    this.unweighted = new Float64Array(rows);
    let previous: LabelWindow | undefined;
    let next = 0;
    for (let i = 0; i < rows; i++) {
      const current = this.counted[next];
      if (current && i >= current.start && i <= current.end) {
        this.windowOf[i] = next;
        this.unweighted[i] = scaledSigmoid(-(current.end - i + 1) / (current.end - current.start + 1)) / MAX_TP;
        if (i === current.end) {
          previous = current;
          next++;
        }
      } else if (!previous) {
        this.unweighted[i] = -1;
      } else {
        const width = previous.end - previous.start + 1;
        // A one-row window has no width to measure distance by: any later alarm is far.
        this.unweighted[i] = width > 1 ? scaledSigmoid((i - previous.end) / (width - 1)) : -1;
      }
      if (i < this.probation) this.unweighted[i] = 0;
    }
  }

  get windowCount(): number {
    return this.counted.length;
  }

  /** Scores detections given as row indices (any order; duplicates count once). */
  score(detections: Iterable<number>, profile: CostProfile): FileScore {
    const first: (number | null)[] = this.counted.map(() => null);
    const seen = new Set<number>();
    let fpScore = 0;
    let falsePositives = 0;
    for (const row of detections) {
      if (!Number.isInteger(row) || row < 0 || row >= this.rows) throw new RangeError(`detection row ${row} is outside 0..${this.rows - 1}`);
      if (row < this.probation || seen.has(row)) continue;
      seen.add(row);
      const w = this.windowOf[row];
      if (w >= 0) {
        const earliest = first[w];
        if (earliest === null || row < earliest) first[w] = row;
      } else {
        fpScore += profile.fp * this.unweighted[row];
        falsePositives++;
      }
    }
    let tpScore = 0;
    let truePositives = 0;
    for (const row of first) {
      if (row === null) continue;
      tpScore += profile.tp * this.unweighted[row];
      truePositives++;
    }
    const falseNegatives = this.counted.length - truePositives;
    const fnScore = -profile.fn * falseNegatives;
    return {
      score: tpScore + fpScore + fnScore,
      tpScore,
      fpScore,
      fnScore,
      windows: this.counted.length,
      truePositives,
      falsePositives,
      falseNegatives,
      firstDetections: first,
    };
  }
}

/** Windows sorted by start; they must lie inside the file and not overlap (NAB merges overlapping windows). */
function checkWindows(windows: readonly LabelWindow[], rows: number): LabelWindow[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  sorted.forEach((w, i) => {
    if (!Number.isInteger(w.start) || !Number.isInteger(w.end) || w.start < 0 || w.end >= rows || w.end < w.start) {
      throw new NabError('NAB_BAD_WINDOWS', `window ${w.start}..${w.end} is not a row range inside 0..${rows - 1}`);
    }
    if (i > 0 && w.start <= sorted[i - 1].end) {
      throw new NabError('NAB_BAD_WINDOWS', `windows ${sorted[i - 1].start}..${sorted[i - 1].end} and ${w.start}..${w.end} overlap; NAB merges them into one`);
    }
  });
  return sorted;
}
