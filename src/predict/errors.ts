/** Problems a caller of the predictors can act on, each with a stable code. */
import { GenieError } from '../errors/genie-error';

export type PredictErrorCode = 'PREDICT_TOO_FEW_POINTS' | 'PREDICT_BAD_INPUT' | 'PREDICT_BAD_OPTION' | 'PREDICT_UNKNOWN_DETECTOR' | 'PREDICT_BAD_STATE';

export class PredictError extends GenieError {
  constructor(
    readonly code: PredictErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a numeric option at construction, so a bad one fails loudly instead of scoring NaN. */
export function checkOption(name: string, value: number, min: number, max = Infinity, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new PredictError('PREDICT_BAD_OPTION', `${name} must be ${integer ? 'an integer' : 'a number'} ${range}, not ${String(value)}`);
  }
  return value;
}
