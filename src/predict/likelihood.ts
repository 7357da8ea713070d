/**
 * Anomaly likelihood, after the idea in Numenta's AnomalyLikelihood (Ahmad et al. 2017,
 * "Unsupervised real-time anomaly detection for streaming data", §3.3), written from that
 * description: a raw score is judged not by its size but by how rare it is compared with
 * the detector's own recent raw scores on this stream.
 *
 * 1. The raw evidence is capped at `rawCap` (default 10): detectors emit z-like values
 *    whose outliers are unbounded, and one huge value must not inflate the spread of the
 *    history for thousands of rows afterwards; 10 standard deviations is certain enough.
 *    (Squashing with log(1 + x) instead was tried and diluted single spikes too much.)
 * 2. A short moving average (`shortWindow`) of the capped raws smooths single noisy
 *    values; a burst of moderately high raws adds up.
 * 3. The averages of the last `history` rows are modelled as a Gaussian (running mean and
 *    variance over a ring buffer); the tail probability p = Q((avg - mean)/std) is how
 *    surprising the current average is. One-sided: an unusually quiet stretch is not an
 *    anomaly.
 * 4. The output score is -log10(p)/10 clamped to [0, 1]: 0.5 means a 1-in-100,000 event,
 *    1 means 1-in-10^10 or rarer. The log scale spreads out the region near p = 0 where
 *    the decisions are made.
 *
 * Until `learning` raws have been seen the score is 0 ("not enough history"), never NaN.
 * When the model changes what its raw evidence means (a season found), the history starts
 * over (`restart`, called by the detector).
 */
import { checkOption } from './errors';
import { RollingWindow, type RollingWindowState } from './rolling-window';

export interface LikelihoodOptions {
  /** Raws averaged before judging (default 10, as Numenta's). */
  shortWindow?: number;
  /** Averages the Gaussian is fitted to (default 8640, Numenta's: a month of 5-minute values). */
  history?: number;
  /** Raws needed before any non-zero score (default 100). */
  learning?: number;
  /** Smallest standard deviation of the averages, so a flat history does not make every wiggle certain (default 0.01). */
  minStd?: number;
  /** Raw evidence is capped here before averaging (default 10). */
  rawCap?: number;
}

export interface LikelihoodState {
  kind: 'likelihood';
  options: Required<LikelihoodOptions>;
  seen: number;
  recent: RollingWindowState;
  averages: RollingWindowState;
}

export interface Likelihood {
  /** Score in [0, 1]: -log10(tail probability)/10. */
  score: number;
  /** Tail probability of the current average under the recent distribution (1 when not judged yet). */
  tail: number;
}

export class AnomalyLikelihood {
  readonly options: Required<LikelihoodOptions>;
  private seen = 0;
  private readonly recent: RollingWindow;
  private readonly averages: RollingWindow;

  constructor(options: LikelihoodOptions = {}) {
    this.options = {
      shortWindow: checkOption('shortWindow', options.shortWindow ?? 10, 1, 10_000, true),
      history: checkOption('history', options.history ?? 8640, 10, 1e6, true),
      learning: checkOption('learning', options.learning ?? 100, 2, 1e6, true),
      minStd: checkOption('minStd', options.minStd ?? 0.01, 1e-9),
      rawCap: checkOption('rawCap', options.rawCap ?? 10, 1e-9),
    };
    this.recent = new RollingWindow(this.options.shortWindow);
    this.averages = new RollingWindow(this.options.history);
  }

  static fromJSON(state: LikelihoodState): AnomalyLikelihood {
    const model = new AnomalyLikelihood(state.options);
    model.seen = state.seen;
    model.recent.restore(state.recent);
    model.averages.restore(state.averages);
    return model;
  }

  /** Judges one raw (null: the detector is still warming up, which scores 0 and is not learned). */
  update(raw: number | null): Likelihood {
    if (raw === null) return { score: 0, tail: 1 };
    this.recent.push(Math.min(Math.max(0, raw), this.options.rawCap));
    const average = this.recent.mean();
    let result: Likelihood = { score: 0, tail: 1 };
    if (this.seen >= this.options.learning) {
      const std = Math.max(this.averages.std(), this.options.minStd);
      const tail = gaussianTail((average - this.averages.mean()) / std);
      result = { score: logScore(tail), tail };
    }
    this.averages.push(average);
    this.seen++;
    return result;
  }

  /** Forgets the history: the raw evidence changed meaning. Learns again from scratch. */
  restart(): void {
    this.seen = 0;
    this.recent.clear();
    this.averages.clear();
  }

  toJSON(): LikelihoodState {
    return { kind: 'likelihood', options: { ...this.options }, seen: this.seen, recent: this.recent.toJSON(), averages: this.averages.toJSON() };
  }
}

/** -log10(p)/10, clamped to [0, 1]. */
export function logScore(tail: number): number {
  if (!(tail > 1e-10)) return 1;
  return Math.min(1, Math.max(0, -Math.log10(tail) / 10));
}

/** Q(z) = P(Z > z) for a standard normal Z. */
export function gaussianTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function, W. J. Cody's rational Chebyshev approximation as given in
 * Numerical Recipes (erfcc): fractional error below 1.2e-7 everywhere, and it keeps its
 * relative accuracy far into the tail, where 1 - erf(x) would cancel to 0.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
