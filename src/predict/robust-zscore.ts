/**
 * Robust z-score: how many robust standard deviations a value lies from the median of the
 * last `window` values, with the standard deviation estimated as 1.4826·MAD (consistent
 * with σ for Gaussian data, but unmoved by the outliers it is looking for). When more than
 * half the window is one value the MAD is 0; the mean absolute deviation (·1.2533, also
 * σ-consistent) takes over, and for a constant window a tiny floor, so the first change
 * after a flat stretch scores very high instead of dividing by zero.
 */
import { checkOption } from './errors';
import { capRaw, scaleFloor, type RawScorer } from './raw-scorer';
import { SortedWindow } from './sorted-window';

export interface RobustZOptions {
  /** Values the median and MAD are taken over (default 256). */
  window?: number;
  /** Values needed before scoring (default 30). */
  minPoints?: number;
}

export interface RobustZState {
  kind: 'robust-z';
  window: number;
  minPoints: number;
  values: number[];
}

const MAD_TO_SIGMA = 1.4826;
const MEAN_AD_TO_SIGMA = 1.2533;

export class RobustZScore implements RawScorer {
  private readonly values: SortedWindow;
  readonly window: number;
  readonly minPoints: number;

  constructor(options: RobustZOptions = {}) {
    this.window = checkOption('window', options.window ?? 256, 3, 100_000, true);
    this.minPoints = checkOption('minPoints', options.minPoints ?? 30, 2, this.window, true);
    this.values = new SortedWindow(this.window);
  }

  static fromJSON(state: RobustZState): RobustZScore {
    const model = new RobustZScore({ window: state.window, minPoints: state.minPoints });
    for (const v of state.values) model.values.push(v);
    return model;
  }

  step(value: number): number | null {
    const z = this.values.size >= this.minPoints ? capRaw(Math.abs(value - this.values.median()) / this.scale()) : null;
    this.values.push(value);
    return z;
  }

  /** The robust standard deviation of the current window. */
  scale(): number {
    const median = this.values.median();
    const mad = this.values.mad(median);
    if (mad > 0) return MAD_TO_SIGMA * mad;
    const meanAd = this.values.meanAbsoluteDeviation(median);
    return Math.max(MEAN_AD_TO_SIGMA * meanAd, scaleFloor(median));
  }

  toJSON(): RobustZState {
    return { kind: 'robust-z', window: this.window, minPoints: this.minPoints, values: this.values.toArray() };
  }
}
