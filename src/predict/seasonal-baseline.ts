/**
 * Seasonal baseline: additive Holt-Winters without trend. The expected value is a level
 * plus the seasonal offset of the current phase; the raw evidence is the distance from it
 * in units of the recent residual spread. The season length is found by autocorrelation
 * once `detectAfter` values have been seen (or given); until then, and for a series with no
 * season, the baseline is the level alone (simple exponential smoothing).
 *
 * Robustness (Gelper, Fried & Croux 2010, "Robust forecasting with exponential and
 * Holt-Winters smoothing"): the residual that updates level, season and spread is clipped
 * to ±`clip` spreads, so one spike barely dents the baseline, and a level shift is absorbed
 * steadily over a few dozen values instead of teaching the baseline the spike.
 */
import { checkOption, PredictError } from './errors';
import { detectPeriod } from './period';
import { capRaw, scaleFloor, type RawScorer } from './raw-scorer';

export interface SeasonalOptions {
  /** A known season length in rows; skips detection. */
  period?: number;
  /** Values collected before detecting the season (default 600). */
  detectAfter?: number;
  /**
   * Values collected before detecting it once more (default 2400, 0: never). Long seasons
   * (a week of half-hourly values is 336) need more history than a first guess can wait
   * for; the second detection replaces the first when it finds a different season.
   */
  redetectAfter?: number;
  /** Level smoothing (default 0.1). */
  alpha?: number;
  /** Seasonal smoothing (default 0.1). */
  gamma?: number;
  /** Spread smoothing (default 0.02). */
  beta?: number;
  /** Residuals are clipped to this many spreads before updating (default 3). */
  clip?: number;
  /** Values needed before scoring (default 30). */
  minPoints?: number;
}

export interface SeasonalState {
  kind: 'seasonal';
  options: Required<Omit<SeasonalOptions, 'period'>> & { period: number | null };
  count: number;
  /** null until detection ran; 0 when none was found. */
  period: number | null;
  /** Whether the last detection (of one or two) ran. */
  settled: boolean;
  seasons: number;
  level: number;
  spread: number;
  season: number[];
  /** Values kept for detection (emptied once the last one ran). */
  pending: number[];
}

/** Mean absolute residual → σ for Gaussian residuals. */
const MEAN_AD_TO_SIGMA = 1.2533;

export class SeasonalBaseline implements RawScorer {
  private readonly o: SeasonalState['options'];
  private count = 0;
  private period: number | null;
  private level = 0;
  /** Mean absolute residual. */
  private spread = 0;
  private season: number[] = [];
  private pending: number[] = [];
  private settled = false;
  /** Seasons adopted so far: the epoch of the raw evidence. */
  private seasons = 0;

  constructor(options: SeasonalOptions = {}) {
    const detectAfter = checkOption('detectAfter', options.detectAfter ?? 600, 8, 1e6, true);
    this.o = {
      period: options.period === undefined ? null : checkOption('period', options.period, 2, 1e6, true),
      detectAfter,
      redetectAfter: checkOption('redetectAfter', options.redetectAfter ?? 2400, 0, 1e6, true),
      alpha: checkOption('alpha', options.alpha ?? 0.1, 1e-6, 1),
      gamma: checkOption('gamma', options.gamma ?? 0.1, 0, 1),
      beta: checkOption('beta', options.beta ?? 0.02, 1e-6, 1),
      clip: checkOption('clip', options.clip ?? 3, 0.5),
      minPoints: checkOption('minPoints', options.minPoints ?? 30, 2, 1e9, true),
    };
    this.period = this.o.period;
    if (this.period !== null) this.season = new Array<number>(this.period).fill(0);
  }

  static fromJSON(state: SeasonalState): SeasonalBaseline {
    if (state.period !== null && state.period > 0 && state.season.length !== state.period) {
      throw new PredictError('PREDICT_BAD_STATE', `seasonal state has ${state.season.length} offsets for a period of ${state.period}`);
    }
    const model = new SeasonalBaseline({ ...state.options, period: state.options.period ?? undefined });
    Object.assign(model, {
      count: state.count,
      period: state.period,
      settled: state.settled,
      seasons: state.seasons,
      level: state.level,
      spread: state.spread,
      season: [...state.season],
      pending: [...state.pending],
    });
    return model;
  }

  get epoch(): number {
    return this.seasons;
  }

  /** The season length in rows: null before detection, 0 when the series has none. */
  get seasonLength(): number | null {
    return this.period;
  }

  /** What the baseline expects next (before seeing it). */
  expected(): number {
    return this.level + this.offset(this.count);
  }

  step(value: number): number | null {
    if (this.count === 0) this.level = value;
    const expected = this.expected();
    const residual = value - expected;
    const sigma = Math.max(MEAN_AD_TO_SIGMA * this.spread, scaleFloor(expected));
    const evidence = this.count >= this.o.minPoints ? capRaw(Math.abs(residual) / sigma) : null;
    this.learn(residual, sigma);
    this.count++;
    if (!this.settled && this.o.period === null) {
      this.pending.push(value);
      if (this.period === null && this.pending.length >= this.o.detectAfter) {
        this.startSeason(this.pending);
        if (this.o.redetectAfter <= this.o.detectAfter) this.settle();
      } else if (this.period !== null && this.pending.length >= this.o.redetectAfter) {
        this.startSeason(this.pending, this.period);
        this.settle();
      }
    }
    return evidence;
  }

  private learn(residual: number, sigma: number): void {
    // Early on the spread is still unknown; clipping against it would freeze the baseline.
    const bound = this.count < this.o.minPoints ? Infinity : this.o.clip * sigma;
    const clipped = Math.max(-bound, Math.min(bound, residual));
    const phase = this.phase(this.count);
    this.level += this.o.alpha * clipped;
    if (phase >= 0) this.season[phase] += this.o.gamma * (1 - this.o.alpha) * clipped;
    const warm = Math.max(this.o.beta, 1 / (this.count + 1));
    this.spread += warm * (Math.abs(clipped) - this.spread);
  }

  private settle(): void {
    this.settled = true;
    this.pending = [];
  }

  /** Detect the season in `values` (the latest ones) and, when it is new, seed the offsets from them. */
  private startSeason(values: readonly number[], current: number | null = null): void {
    const period = detectPeriod(values, { maxPeriod: Math.floor(values.length / 2) });
    if (current !== null && (!period || period === current)) return;
    this.period = period ?? 0;
    if (!period) return;
    this.seasons++;
    // Offsets: each phase's mean deviation from its own cycle's mean, over the full cycles at the end.
    const cycles = Math.floor(values.length / period);
    const start = values.length - cycles * period;
    const sums = new Array<number>(period).fill(0);
    let spread = 0;
    for (let c = 0; c < cycles; c++) {
      let cycleMean = 0;
      for (let k = 0; k < period; k++) cycleMean += values[start + c * period + k];
      cycleMean /= period;
      for (let k = 0; k < period; k++) sums[this.phaseOf(start + c * period + k, period)] += values[start + c * period + k] - cycleMean;
    }
    this.season = sums.map((s) => s / cycles);
    // Spread and level restart from the seasonal fit of the last cycle.
    let level = 0;
    for (let k = values.length - period; k < values.length; k++) level += values[k] - this.season[this.phaseOf(k, period)];
    this.level = level / period;
    for (let k = values.length - period; k < values.length; k++) spread += Math.abs(values[k] - this.level - this.season[this.phaseOf(k, period)]);
    this.spread = Math.max(spread / period, this.spread * 0.5);
  }

  private phaseOf(index: number, period: number): number {
    return index % period;
  }

  private phase(index: number): number {
    return this.period ? this.phaseOf(index, this.period) : -1;
  }

  private offset(index: number): number {
    const phase = this.phase(index);
    return phase >= 0 ? this.season[phase] : 0;
  }

  toJSON(): SeasonalState {
    return {
      kind: 'seasonal',
      options: { ...this.o },
      count: this.count,
      period: this.period,
      settled: this.settled,
      seasons: this.seasons,
      level: this.level,
      spread: this.spread,
      season: [...this.season],
      pending: [...this.pending],
    };
  }
}
