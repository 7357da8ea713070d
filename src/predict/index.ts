/**
 * Predictive detection, the public surface: streaming detectors (one model per metric
 * stream), anomaly likelihood, the ensemble, alert rules with their frozen NAB-tuned
 * thresholds, and time to threshold. Pure code: no Node built-ins, no I/O.
 */
export { detections, type AlertRule } from './alerts';
export { DETECTOR_NAMES, type Detector, type DetectorName, type DetectorState, type ScoredValue } from './detector';
export { combine, ENSEMBLE_RULES, type EnsembleRule } from './ensemble';
export { PredictError, type PredictErrorCode } from './errors';
export { averagePathLength, IsolationForest } from './isolation-forest';
export { AnomalyLikelihood } from './likelihood';
export { MetricStream, type SkipReason, type StreamScore } from './metric-stream';
export { detectPeriod } from './period';
export { createDetector, restoreDetector, type DetectorOptions } from './registry';
export { cleanPoints, observations, type SeriesInput } from './series';
export { frozenRule } from './thresholds';
export { timeToThreshold, type TimeToThreshold, type TimeToThresholdOptions } from './time-to-threshold';
