/**
 * Detectors by name, with the defaults the frozen NAB thresholds were tuned for, and the
 * way back from a JSON snapshot to a live model.
 */
import { LikelihoodDetector, DETECTOR_NAMES, type Detector, type DetectorName, type DetectorState, type SingleDetectorState } from './detector';
import { Ensemble, type EnsembleRule } from './ensemble';
import { PredictError } from './errors';
import { Ewma, type EwmaOptions, type EwmaState } from './ewma';
import { IsolationForestDetector, type IsolationForestDetectorOptions, type IsolationForestState } from './iforest-detector';
import { AnomalyLikelihood, type LikelihoodOptions, type LikelihoodState } from './likelihood';
import type { RawScorer } from './raw-scorer';
import { RobustZScore, type RobustZOptions, type RobustZState } from './robust-zscore';
import { SeasonalBaseline, type SeasonalOptions, type SeasonalState } from './seasonal-baseline';

export interface DetectorOptions {
  /** Seeds the isolation forest (default 42). */
  seed?: number;
  /** A known season length in rows, instead of detecting one. */
  period?: number;
  robustZ?: RobustZOptions;
  ewma?: EwmaOptions;
  seasonal?: SeasonalOptions;
  iforest?: IsolationForestDetectorOptions;
  likelihood?: LikelihoodOptions;
  ensembleRule?: EnsembleRule;
  /** The ensemble's members (default all four single detectors). */
  members?: SingleName[];
}

export type SingleName = Exclude<DetectorName, 'ensemble'>;
export const ENSEMBLE_MEMBERS: readonly SingleName[] = ['robust-z', 'ewma', 'seasonal', 'iforest'];

export function isDetectorName(name: string): name is DetectorName {
  return (DETECTOR_NAMES as readonly string[]).includes(name);
}

export function createDetector(name: string, options: DetectorOptions = {}): Detector {
  if (!isDetectorName(name)) throw new PredictError('PREDICT_UNKNOWN_DETECTOR', `unknown detector "${name}"; choose one of ${DETECTOR_NAMES.join(', ')}`);
  if (name === 'ensemble') {
    const members = options.members ?? ENSEMBLE_MEMBERS;
    for (const m of members)
      if (!ENSEMBLE_MEMBERS.includes(m))
        throw new PredictError('PREDICT_UNKNOWN_DETECTOR', `ensemble member "${m}" is not one of ${ENSEMBLE_MEMBERS.join(', ')}`);
    return new Ensemble(
      members.map((m) => single(m, options)),
      options.ensembleRule,
    );
  }
  return single(name, options);
}

function single(name: SingleName, options: DetectorOptions): LikelihoodDetector {
  return LikelihoodDetector.withOptions(name, model(name, options), options.likelihood);
}

function model(name: SingleName, options: DetectorOptions): RawScorer {
  switch (name) {
    case 'robust-z':
      return new RobustZScore(options.robustZ);
    case 'ewma':
      return new Ewma(options.ewma);
    case 'seasonal':
      return new SeasonalBaseline({ ...(options.period ? { period: options.period } : {}), ...options.seasonal });
    case 'iforest':
      return new IsolationForestDetector({ ...(options.seed !== undefined ? { seed: options.seed } : {}), ...options.iforest });
  }
}

/**
 * A live detector from `detector.toJSON()`; scores what the original would have. A state
 * that is not one (hand-edited, truncated, from another version) is PREDICT_BAD_STATE.
 */
export function restoreDetector(state: DetectorState): Detector {
  if (typeof state !== 'object' || state === null) throw new PredictError('PREDICT_BAD_STATE', 'a detector state must be an object');
  try {
    if (state.name === 'ensemble') {
      if (!Array.isArray(state.members)) throw new PredictError('PREDICT_BAD_STATE', 'ensemble state has no members');
      return new Ensemble(state.members.map(restoreSingle), state.rule as EnsembleRule);
    }
    return restoreSingle(state);
  } catch (error) {
    if (error instanceof PredictError) throw error.code === 'PREDICT_BAD_STATE' ? error : new PredictError('PREDICT_BAD_STATE', error.message);
    throw new PredictError('PREDICT_BAD_STATE', `malformed ${String((state as { name?: unknown }).name)} state: ${(error as Error).message}`);
  }
}

function restoreSingle(state: SingleDetectorState): LikelihoodDetector {
  if (typeof state?.model !== 'object' || state.model === null || typeof state.likelihood !== 'object' || state.likelihood === null) {
    throw new PredictError('PREDICT_BAD_STATE', `detector state "${String(state?.name)}" needs a model and a likelihood`);
  }
  const likelihood = AnomalyLikelihood.fromJSON(state.likelihood as LikelihoodState);
  const kind = (state.model as { kind?: unknown }).kind;
  const wrong = () => new PredictError('PREDICT_BAD_STATE', `detector ${state.name} has a ${String(kind)} model`);
  switch (state.name) {
    case 'robust-z':
      if (kind !== 'robust-z') throw wrong();
      return new LikelihoodDetector('robust-z', RobustZScore.fromJSON(state.model as RobustZState), likelihood);
    case 'ewma':
      if (kind !== 'ewma') throw wrong();
      return new LikelihoodDetector('ewma', Ewma.fromJSON(state.model as EwmaState), likelihood);
    case 'seasonal':
      if (kind !== 'seasonal') throw wrong();
      return new LikelihoodDetector('seasonal', SeasonalBaseline.fromJSON(state.model as SeasonalState), likelihood);
    case 'iforest':
      if (kind !== 'iforest') throw wrong();
      return new LikelihoodDetector('iforest', IsolationForestDetector.fromJSON(state.model as IsolationForestState), likelihood);
    default:
      throw new PredictError('PREDICT_BAD_STATE', `unknown detector "${String((state as { name?: unknown }).name)}" in state`);
  }
}
