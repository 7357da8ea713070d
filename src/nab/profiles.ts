/**
 * NAB cost profiles: how much a true positive earns, a false positive costs and a missed
 * window costs. The three published ones live in NAB's `config/profiles.json`; the same
 * numbers are built in so the scorer works without the file (tests, the predict action).
 */
import { NabError } from './errors';

export interface CostProfile {
  name: string;
  /** A_TP: what the earliest detection at a window's left edge earns. */
  tp: number;
  /** A_FP: what a detection far from any window costs (the sigmoid scales it down near one). */
  fp: number;
  /** A_FN: what a window with no detection costs. */
  fn: number;
}

export const PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const NAB_PROFILES: readonly CostProfile[] = [
  { name: 'standard', tp: 1.0, fp: 0.11, fn: 1.0 },
  { name: 'reward_low_FP_rate', tp: 1.0, fp: 0.22, fn: 1.0 },
  { name: 'reward_low_FN_rate', tp: 1.0, fp: 0.11, fn: 2.0 },
];

/**
 * Profiles from the JSON of NAB's `config/profiles.json`:
 * `{name: {CostMatrix: {tpWeight, fpWeight, fnWeight, tnWeight}}}`. `tnWeight` is unused by
 * NAB's scorer and ignored here too.
 */
export function parseProfiles(json: unknown, source = 'profiles.json'): CostProfile[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new NabError('NAB_BAD_PROFILES', `${source}: expected an object of {name: {CostMatrix: {...}}}`);
  }
  return Object.entries(json as Record<string, unknown>).map(([name, entry]) => {
    const matrix = (entry as { CostMatrix?: Record<string, unknown> } | null)?.CostMatrix;
    const weight = (key: string): number => {
      const value = matrix?.[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new NabError('NAB_BAD_PROFILES', `${source}: ${name}.CostMatrix.${key} must be a non-negative number, not ${JSON.stringify(value)}`);
      }
      return value;
    };
    return { name, tp: weight('tpWeight'), fp: weight('fpWeight'), fn: weight('fnWeight') };
  });
}
