/**
 * The contract every detector core fulfils: one metric stream in, raw anomaly evidence out.
 * Raw evidence is on the detector's own scale (a z-like distance, an isolation score), so
 * it is turned into a comparable [0, 1] score by the anomaly likelihood (likelihood.ts).
 */
export interface RawScorer {
  /**
   * Scores `value` against everything before it (never after: no look-ahead), then learns
   * it. Returns evidence >= 0 (finite), or null while the model still has too little
   * history to judge.
   */
  step(value: number): number | null;
  /** A JSON-safe snapshot; the matching `fromJSON` restores a model that scores identically. */
  toJSON(): object;
  /**
   * Changes when the model changes what its raw evidence means (a season found: residuals
   * shrink from the season's swing to the noise). Evidence from before is no yardstick for
   * evidence after, so the likelihood starts its history over.
   */
  readonly epoch?: number;
}

/**
 * The smallest spread a scale may take, relative to the level it is measured at: it keeps
 * a constant stretch of a series from dividing by zero, while any change after it still
 * stands out as far beyond normal.
 */
export function scaleFloor(level: number): number {
  return 1e-6 * Math.max(1, Math.abs(level));
}

/** Raw evidence is capped here: beyond it every deviation is equally certain, and one huge value must not dominate a history. */
export const MAX_RAW = 1e6;

export function capRaw(x: number): number {
  return x > MAX_RAW ? MAX_RAW : x;
}
