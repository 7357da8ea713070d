/**
 * Streaming isolation forest over one metric: each value becomes a feature row
 * (stream-features.ts); the forest, fitted on the most recent `fitWindow` rows, scores the
 * row before it is learned. The forest is refitted every `refitEvery` rows on a sliding
 * window, so what counts as normal follows the stream (a level shift is an anomaly when it
 * happens and the new normal a few refits later), and once more when the season is
 * detected, since rows before it carried no seasonal feature.
 *
 * Serialization stores the rows and the PRNG state the current forest was grown from, not
 * the trees: restoring regrows the identical forest from a few thousand numbers instead of
 * carrying 100 trees through JSON.
 */
import { checkOption, PredictError } from './errors';
import { IsolationForest } from './isolation-forest';
import { Mulberry32 } from './prng';
import type { RawScorer } from './raw-scorer';
import { FEATURES, StreamFeatures, type FeatureState } from './stream-features';

export interface IsolationForestDetectorOptions {
  /** Seeds the forest's randomness (default 42): same seed and stream, same scores. */
  seed?: number;
  trees?: number;
  sampleSize?: number;
  /** Rows the forest is fitted on (default 1024). */
  fitWindow?: number;
  /** Rows between refits (default 256). */
  refitEvery?: number;
  /** Rows needed before the first fit (default 256). */
  minFit?: number;
  /** Rolling window of the features (default 32). */
  featureWindow?: number;
  /** Values collected before detecting the season (default 600). */
  detectAfter?: number;
  /** Values collected before detecting it once more (default 2400, 0: never). */
  redetectAfter?: number;
}

/** What the detector needs of a forest; the default is ours (isolation-forest.ts). */
export interface Forest {
  score(row: ArrayLike<number>, at?: number): number;
  readonly bytes?: number;
}

/** Grows a forest on `rows` (row-major, `dims` wide) drawing randomness from `prng`. */
export type ForestFactory = (rows: Float64Array, dims: number, prng: Mulberry32, options: { trees: number; sampleSize: number }) => Forest;

const ourForest: ForestFactory = (rows, dims, prng, options) => new IsolationForest(rows, dims, prng, options);

export interface IsolationForestState {
  kind: 'iforest';
  options: Required<IsolationForestDetectorOptions>;
  features: FeatureState;
  /** Feature rows, oldest first, flattened. */
  rows: number[];
  sinceFit: number;
  /** Rows the current forest was grown from (the latest ones at fit time), or 0 before the first fit. */
  fittedOn: number;
  /** PRNG state just before the current forest was grown. */
  fitSeed: number;
  prng: number;
}

export class IsolationForestDetector implements RawScorer {
  readonly options: Required<IsolationForestDetectorOptions>;
  private features: StreamFeatures;
  private prng: Mulberry32;
  /** Ring of feature rows: fitWindow for the next fit plus refitEvery since the last one. */
  private readonly rows: Float64Array;
  private readonly capacity: number;
  private head = 0;
  private count = 0;
  private sinceFit = 0;
  private fittedOn = 0;
  private fitSeed = 0;
  private forest: Forest | null = null;
  private readonly row = new Float64Array(FEATURES);

  /**
   * `growForest` swaps the forest implementation, for side-by-side comparisons (the
   * benchmark plugs in ml-isolation-forest); snapshots always restore with ours.
   */
  constructor(
    options: IsolationForestDetectorOptions = {},
    private readonly growForest: ForestFactory = ourForest,
  ) {
    const fitWindow = checkOption('fitWindow', options.fitWindow ?? 1024, 2, 1e6, true);
    this.options = {
      seed: checkOption('seed', options.seed ?? 42, 0, 2 ** 32 - 1, true),
      trees: checkOption('trees', options.trees ?? 100, 1, 10_000, true),
      sampleSize: checkOption('sampleSize', options.sampleSize ?? 256, 2, 1 << 16, true),
      fitWindow,
      refitEvery: checkOption('refitEvery', options.refitEvery ?? 256, 1, 1e6, true),
      minFit: checkOption('minFit', options.minFit ?? 256, 2, fitWindow, true),
      featureWindow: options.featureWindow ?? 32,
      detectAfter: options.detectAfter ?? 600,
      redetectAfter: options.redetectAfter ?? 2400,
    };
    this.features = new StreamFeatures({
      window: this.options.featureWindow,
      detectAfter: this.options.detectAfter,
      redetectAfter: this.options.redetectAfter,
    });
    this.prng = new Mulberry32(this.options.seed);
    this.capacity = fitWindow + this.options.refitEvery;
    this.rows = new Float64Array(this.capacity * FEATURES);
  }

  static fromJSON(state: IsolationForestState): IsolationForestDetector {
    const model = new IsolationForestDetector(state.options);
    if (state.rows.length % FEATURES !== 0 || state.rows.length / FEATURES > model.capacity) {
      throw new PredictError('PREDICT_BAD_STATE', `iforest state holds ${state.rows.length} numbers, not whole rows of ${FEATURES} within ${model.capacity}`);
    }
    model.features = StreamFeatures.fromJSON(state.features);
    for (let i = 0; i < state.rows.length; i += FEATURES) model.pushRow(state.rows.slice(i, i + FEATURES));
    model.sinceFit = state.sinceFit;
    if (state.fittedOn > 0) {
      // Regrow the forest from the rows it was grown from, with the same random draws.
      model.prng = new Mulberry32(state.fitSeed);
      model.fit(model.count - state.sinceFit, state.fittedOn);
      model.sinceFit = state.sinceFit;
    }
    model.prng = new Mulberry32(state.prng);
    return model;
  }

  /** The season the features use: null before detection, 0 when there is none. */
  get seasonLength(): number | null {
    return this.features.seasonLength;
  }

  /** Bytes held by the model: trees plus feature rows. */
  get bytes(): number {
    return (this.forest?.bytes ?? 0) + this.rows.byteLength;
  }

  step(value: number): number | null {
    const seasonFound = this.features.next(value, this.row);
    const raw = this.forest ? this.forest.score(this.row) : null;
    this.pushRow(this.row);
    this.sinceFit++;
    const fitRows = Math.min(this.count, this.options.fitWindow);
    if (this.count >= this.options.minFit && (!this.forest || this.sinceFit >= this.options.refitEvery || seasonFound)) {
      this.fit(this.count, fitRows);
    }
    return raw;
  }

  /** Grows a forest on the `size` rows ending just before row number `end` (counted from the stream's start in the ring). */
  private fit(end: number, size: number): void {
    const data = new Float64Array(size * FEATURES);
    for (let k = 0; k < size; k++) {
      const back = end - size + k; // index among the rows held, oldest = count - held
      const slot = (this.head - (this.count - back) + this.capacity * 2) % this.capacity;
      data.set(this.rows.subarray(slot * FEATURES, slot * FEATURES + FEATURES), k * FEATURES);
    }
    this.fitSeed = this.prng.state;
    this.forest = this.growForest(data, FEATURES, this.prng, { trees: this.options.trees, sampleSize: this.options.sampleSize });
    this.fittedOn = size;
    this.sinceFit = 0;
  }

  private pushRow(row: ArrayLike<number>): void {
    for (let f = 0; f < FEATURES; f++) this.rows[this.head * FEATURES + f] = row[f];
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  toJSON(): IsolationForestState {
    const rows: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head - this.count + k + this.capacity) % this.capacity;
      for (let f = 0; f < FEATURES; f++) rows.push(this.rows[slot * FEATURES + f]);
    }
    return {
      kind: 'iforest',
      options: { ...this.options },
      features: this.features.toJSON(),
      rows,
      sinceFit: this.sinceFit,
      fittedOn: this.forest ? this.fittedOn : 0,
      fitSeed: this.fitSeed,
      prng: this.prng.state,
    };
  }
}
