/**
 * The frozen alert rules: for each detector and NAB profile, the threshold (and cooldown)
 * that maximized that profile's score on the NAB development split, written by
 * `bench/nab-tune.ts` into thresholds.json and committed. Nothing tunes them at run time,
 * so scores on other data are out-of-sample.
 */
import type { AlertRule } from './alerts';
import type { DetectorName } from './detector';
import { PredictError } from './errors';
import frozen from './thresholds.json';

export type FrozenRule = Required<AlertRule>;

export interface ThresholdsFile {
  description: string;
  tunedOn: string;
  cooldowns: number[];
  detectors: Record<string, Record<string, FrozenRule>>;
}

export const FROZEN: ThresholdsFile = frozen as ThresholdsFile;

/** The frozen rule for a detector under a profile; profiles it was not tuned for get the standard one. */
export function frozenRule(detector: DetectorName, profile = 'standard'): FrozenRule {
  const rules = FROZEN.detectors[detector];
  const rule = rules?.[profile] ?? rules?.standard;
  if (!rule) throw new PredictError('PREDICT_UNKNOWN_DETECTOR', `no frozen threshold for detector "${detector}"; run bench/nab-tune.ts`);
  return rule;
}
