/**
 * What counts as "the same answer" when a primary's and a shadow's responses are compared:
 * ignored fields, numeric tolerance, which headers matter, whether the status does, and how
 * noise (nondeterministic fields) is told apart from real differences.
 */
import { compilePattern, type PathMatcher } from './paths';
import { GenieError } from '../errors/genie-error';

export interface CompareRules {
  /** Paths never compared: JSON paths into the body ($.requestId, $..timestamp, $.items[*].id), `status`, `header:<name>`. */
  ignore?: string[];
  /** Numbers are equal when |a − b| ≤ absolute, or |a − b| ≤ relative × max(|a|, |b|). */
  numericTolerance?: { absolute?: number; relative?: number };
  /** Response headers compared (case-insensitive names); others are not (default: none). */
  headers?: string[];
  /** Compare status codes (default true). */
  compareStatus?: boolean;
  /** Example differences kept per field (default 3). */
  maxExamples?: number;
  /**
   * Noise cancellation: a field that differs between the two primaries is noise when it
   * differs between primary and candidate at most (1 + relative) × as often, plus absolute.
   * Defaults relative 1, absolute 0.1, because rates from a few dozen pairs are rough and a
   * timing-dependent field (a millisecond timestamp) differs more often for whichever copy
   * left further apart in time from the primary: measured on loopback, 0.52 for the
   * candidate vs 0.31 for the second primary when the candidate's copy was sent first
   * (traffic.mirror now sends it last, nearest the primary).
   */
  noiseThreshold?: { absolute?: number; relative?: number };
}

export interface CompiledRules {
  ignore: PathMatcher[];
  absolute: number;
  relative: number;
  headers: Set<string>;
  compareStatus: boolean;
  maxExamples: number;
  noiseAbsolute: number;
  noiseRelative: number;
}

export const RULE_DEFAULTS = { maxExamples: 3, noiseAbsolute: 0.1, noiseRelative: 1 } as const;

export class CompareRulesError extends GenieError {
  readonly code = 'SHADOW_BAD_RULES';
}

export function compileRules(rules: CompareRules = {}): CompiledRules {
  const nonNegative = (value: number | undefined, what: string, fallback: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
      throw new CompareRulesError(`${what} must be a finite number ≥ 0, not ${JSON.stringify(value)}`);
    return value;
  };
  const maxExamples = nonNegative(rules.maxExamples, 'maxExamples', RULE_DEFAULTS.maxExamples);
  if (!Number.isInteger(maxExamples)) throw new CompareRulesError(`maxExamples must be a whole number, not ${maxExamples}`);
  return {
    ignore: (rules.ignore ?? []).map(compilePattern),
    absolute: nonNegative(rules.numericTolerance?.absolute, 'numericTolerance.absolute', 0),
    relative: nonNegative(rules.numericTolerance?.relative, 'numericTolerance.relative', 0),
    headers: new Set((rules.headers ?? []).map((h) => h.toLowerCase())),
    compareStatus: rules.compareStatus ?? true,
    maxExamples,
    noiseAbsolute: nonNegative(rules.noiseThreshold?.absolute, 'noiseThreshold.absolute', RULE_DEFAULTS.noiseAbsolute),
    noiseRelative: nonNegative(rules.noiseThreshold?.relative, 'noiseThreshold.relative', RULE_DEFAULTS.noiseRelative),
  };
}

export function numbersEqual(a: number, b: number, rules: Pick<CompiledRules, 'absolute' | 'relative'>): boolean {
  if (a === b) return true;
  const d = Math.abs(a - b);
  return d <= rules.absolute || d <= rules.relative * Math.max(Math.abs(a), Math.abs(b));
}
