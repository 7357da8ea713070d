/**
 * EWMA control chart (Roberts 1959; Montgomery, "Introduction to Statistical Quality
 * Control", §9.2). The chart statistic z_t = λ·x_t + (1-λ)·z_{t-1} averages recent values,
 * so a small shift that persists moves it out of its control limits
 * μ ± L·σ·sqrt(λ/(2-λ)) even when no single value looks odd. The in-control mean μ and
 * standard deviation σ are themselves exponentially weighted with a much slower α, so the
 * chart follows a drifting baseline over roughly 2/α values.
 *
 * Raw evidence is |z - μ| in units of the chart's σ: L = 3 (the usual limit) is evidence 3.
 */
import { checkOption } from './errors';
import { capRaw, scaleFloor, type RawScorer } from './raw-scorer';

export interface EwmaOptions {
  /** Weight of the newest value in the chart statistic (default 0.2). */
  lambda?: number;
  /** Weight of the newest value in the baseline mean and variance (default 2/(288+1), a day of 5-minute samples). */
  alpha?: number;
  /** Control limit width in chart standard deviations (default 3). */
  limit?: number;
  /** Values needed before scoring (default 30). */
  minPoints?: number;
}

export interface EwmaState {
  kind: 'ewma';
  lambda: number;
  alpha: number;
  limit: number;
  minPoints: number;
  count: number;
  mean: number;
  variance: number;
  chart: number;
}

export interface ControlLimits {
  center: number;
  lower: number;
  upper: number;
  statistic: number;
}

export class Ewma implements RawScorer {
  readonly lambda: number;
  readonly alpha: number;
  readonly limit: number;
  readonly minPoints: number;
  private count = 0;
  private mean = 0;
  private variance = 0;
  private chart = 0;

  constructor(options: EwmaOptions = {}) {
    this.lambda = checkOption('lambda', options.lambda ?? 0.2, 1e-6, 1);
    this.alpha = checkOption('alpha', options.alpha ?? 2 / 289, 1e-6, 1);
    this.limit = checkOption('limit', options.limit ?? 3, 0.1);
    this.minPoints = checkOption('minPoints', options.minPoints ?? 30, 2, 1e9, true);
  }

  static fromJSON(state: EwmaState): Ewma {
    const model = new Ewma(state);
    model.count = state.count;
    model.mean = state.mean;
    model.variance = state.variance;
    model.chart = state.chart;
    return model;
  }

  step(value: number): number | null {
    let evidence: number | null = null;
    if (this.count === 0) {
      this.mean = value;
      this.chart = value;
    } else {
      this.chart = this.lambda * value + (1 - this.lambda) * this.chart;
      if (this.count >= this.minPoints) evidence = capRaw(Math.abs(this.chart - this.mean) / this.chartSigma());
      // During warm-up the baseline is a plain running mean and variance (α = 1/n), so the first values are not overweighted.
      const a = Math.max(this.alpha, 1 / (this.count + 1));
      const diff = value - this.mean;
      const increment = a * diff;
      this.mean += increment;
      this.variance = (1 - a) * (this.variance + diff * increment);
    }
    this.count++;
    return evidence;
  }

  /** The chart's current center line and limits, for reports. */
  limits(): ControlLimits {
    const half = this.limit * this.chartSigma();
    return { center: this.mean, lower: this.mean - half, upper: this.mean + half, statistic: this.chart };
  }

  private chartSigma(): number {
    return Math.max(Math.sqrt(this.variance), scaleFloor(this.mean)) * Math.sqrt(this.lambda / (2 - this.lambda));
  }

  toJSON(): EwmaState {
    const { lambda, alpha, limit, minPoints, count, mean, variance, chart } = this;
    return { kind: 'ewma', lambda, alpha, limit, minPoints, count, mean, variance, chart };
  }
}
