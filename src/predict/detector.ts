/**
 * A detector for one metric stream: a raw scorer (the model) followed by the anomaly
 * likelihood (how rare its raw evidence is on this stream). `update` takes the next value
 * and answers a score in [0, 1] for it, having looked only at values before it.
 */
import { AnomalyLikelihood, type LikelihoodOptions, type LikelihoodState } from './likelihood';
import type { RawScorer } from './raw-scorer';

export const DETECTOR_NAMES = ['robust-z', 'ewma', 'seasonal', 'iforest', 'ensemble'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export interface ScoredValue {
  /** Anomaly score in [0, 1] (0 while warming up). */
  score: number;
  /** The model's own evidence before the likelihood, null while warming up. */
  raw: number | null;
  /** Tail probability of the recent raw evidence (1 while warming up). */
  tail: number;
}

export interface Detector {
  readonly name: DetectorName;
  update(value: number): ScoredValue;
  toJSON(): DetectorState;
}

export interface SingleDetectorState {
  name: Exclude<DetectorName, 'ensemble'>;
  model: object;
  likelihood: LikelihoodState;
}

export interface EnsembleDetectorState {
  name: 'ensemble';
  members: SingleDetectorState[];
  rule: string;
}

export type DetectorState = SingleDetectorState | EnsembleDetectorState;

export class LikelihoodDetector implements Detector {
  /** The model's epoch the likelihood's history belongs to. */
  private epoch: number;

  constructor(
    readonly name: Exclude<DetectorName, 'ensemble'>,
    readonly model: RawScorer,
    readonly likelihood: AnomalyLikelihood = new AnomalyLikelihood(),
  ) {
    // A restored pair is in step: a restart happens in the same update as the epoch change.
    this.epoch = model.epoch ?? 0;
  }

  static withOptions(name: Exclude<DetectorName, 'ensemble'>, model: RawScorer, options?: LikelihoodOptions): LikelihoodDetector {
    return new LikelihoodDetector(name, model, new AnomalyLikelihood(options));
  }

  update(value: number): ScoredValue {
    const raw = this.model.step(value);
    if ((this.model.epoch ?? 0) !== this.epoch) {
      this.epoch = this.model.epoch ?? 0;
      this.likelihood.restart();
    }
    const { score, tail } = this.likelihood.update(raw);
    return { score, raw, tail };
  }

  toJSON(): SingleDetectorState {
    return { name: this.name, model: this.model.toJSON(), likelihood: this.likelihood.toJSON() };
  }
}
