/**
 * What the isolation forest sees of a univariate stream: one feature row per value, built
 * only from that value and the ones before it.
 *
 *   0 value               the level itself
 *   1 first difference    x_t - x_{t-1}: jumps and spikes
 *   2 rolling mean        of the last `window` values: the recent regime
 *   3 rolling std         of the last `window` values: sudden calm or turbulence
 *   4 rolling z-score     (x_t - mean)/std of the window before x_t
 *   5 seasonal difference x_t - x_{t-P} once a season P is detected (0 before): a value
 *                         normal for the day but wrong for the hour
 */
import { checkOption } from './errors';
import { detectPeriod } from './period';
import { scaleFloor } from './raw-scorer';
import { RollingWindow, type RollingWindowState } from './rolling-window';

export const FEATURE_NAMES = ['value', 'diff', 'rollingMean', 'rollingStd', 'zScore', 'seasonalDiff'] as const;
export const FEATURES = FEATURE_NAMES.length;

export interface FeatureOptions {
  /** Values in the rolling window (default 32). */
  window?: number;
  /** Values collected before detecting the season (default 600; the longest season found is half of it). */
  detectAfter?: number;
  /** Values collected before detecting it once more, with longer seasons in reach (default 2400, 0: never). */
  redetectAfter?: number;
}

export interface FeatureState {
  window: number;
  detectAfter: number;
  redetectAfter: number;
  /** null until detection ran, 0 when no season was found. */
  period: number | null;
  /** Values seen, up to the last detection (counting stops there). */
  seen: number;
  /** The most recent values, oldest first: enough for the rolling window and one season back. */
  history: RollingWindowState;
  recent: RollingWindowState;
}

export class StreamFeatures {
  readonly window: number;
  readonly detectAfter: number;
  readonly redetectAfter: number;
  private period: number | null = null;
  private seen = 0;
  /** Long enough to look one season back and to detect the season from. */
  private readonly history: RollingWindow;
  private readonly recent: RollingWindow;

  constructor(options: FeatureOptions = {}) {
    this.window = checkOption('window', options.window ?? 32, 2, 10_000, true);
    this.detectAfter = checkOption('detectAfter', options.detectAfter ?? 600, 8, 100_000, true);
    this.redetectAfter = checkOption('redetectAfter', options.redetectAfter ?? 2400, 0, 1e6, true);
    this.history = new RollingWindow(Math.max(this.detectAfter, this.redetectAfter));
    this.recent = new RollingWindow(this.window);
  }

  static fromJSON(state: FeatureState): StreamFeatures {
    const features = new StreamFeatures({ window: state.window, detectAfter: state.detectAfter, redetectAfter: state.redetectAfter });
    features.period = state.period;
    features.seen = state.seen;
    features.history.restore(state.history);
    features.recent.restore(state.recent);
    return features;
  }

  /** The season length in rows: null before detection, 0 when there is none. */
  get seasonLength(): number | null {
    return this.period;
  }

  /**
   * The feature row of `value` written into `out`; returns true when the season was detected
   * with this value (the rows before it had no seasonal feature, so a model should refit).
   */
  next(value: number, out: Float64Array): boolean {
    const previous = this.history.back(1) ?? value;
    const mean = this.recent.mean();
    const std = this.recent.std();
    out[0] = value;
    out[1] = value - previous;
    out[4] = this.recent.size >= 2 ? (value - mean) / Math.max(std, scaleFloor(mean)) : 0;
    out[5] = this.period ? value - (this.history.back(this.period) ?? value) : 0;
    this.recent.push(value);
    out[2] = this.recent.mean();
    out[3] = this.recent.std();
    this.history.push(value);
    if (this.seen > Math.max(this.detectAfter, this.redetectAfter)) return false;
    this.seen++;
    if (this.seen === this.detectAfter || this.seen === this.redetectAfter) {
      const found = detectPeriod(this.history.toArray()) ?? 0;
      // A second look only replaces a season it can see better; it never forgets one.
      const changed = found !== (this.period ?? 0) && (found > 0 || this.period === null);
      if (this.period === null || (found > 0 && found !== this.period)) this.period = found;
      return changed && found > 0;
    }
    return false;
  }

  toJSON(): FeatureState {
    return {
      window: this.window,
      detectAfter: this.detectAfter,
      redetectAfter: this.redetectAfter,
      period: this.period,
      seen: this.seen,
      history: this.history.toJSON(),
      recent: this.recent.toJSON(),
    };
  }
}
