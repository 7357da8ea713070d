/**
 * From scores to detections (alerts), the way an alert manager treats a condition: an
 * alert fires when the score reaches the threshold, stays firing while the score stays at
 * or above it, and resolves once the score has been below it for `cooldown` consecutive
 * values; only then can a new alert fire. One incident keeps a detector above threshold
 * for many consecutive values (the likelihood averages over several), and a noisy one dips
 * and returns; either way it is one alert, not a stream of them. A quiet stretch re-arms
 * the rule, so a false alarm does not hide a later real one for longer than it lasts.
 * It looks only backwards, so it runs on a live stream.
 */
export interface AlertRule {
  /** Scores at or above this are anomalous. */
  threshold: number;
  /** Values the score must stay below the threshold before a new alert can fire (default 0: every value at or above it is an alert). */
  cooldown?: number;
}

/** Row indices where alerts fire in `scores`. */
export function detections(scores: ArrayLike<number>, rule: AlertRule): number[] {
  const cooldown = rule.cooldown ?? 0;
  const out: number[] = [];
  let quiet = Infinity; // values below the threshold since the last one at or above it
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] >= rule.threshold) {
      if (quiet >= cooldown) out.push(i);
      quiet = 0;
    } else {
      quiet++;
    }
  }
  return out;
}
