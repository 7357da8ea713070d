/**
 * NAB's published scoreboard, FULL corpus (58 files), for context only: our numbers are on
 * the 18-file development split and cannot be compared with these directly.
 * Source: numenta/NAB README scoreboard (v1.0 table, commit 37b9a8c); ARTime and
 * earthgecko Skyline (standard profile only) as quoted in issue 6 from the v1.1 scoreboard.
 */
export const PUBLISHED_FULL_CORPUS: Record<string, { standard: number; reward_low_FP_rate?: number; reward_low_FN_rate?: number }> = {
  ARTime: { standard: 74.9 },
  'Numenta HTM': { standard: 70.5, reward_low_FP_rate: 62.6, reward_low_FN_rate: 75.2 },
  'CAD OSE': { standard: 69.9, reward_low_FP_rate: 67.0, reward_low_FN_rate: 73.2 },
  'earthgecko Skyline': { standard: 58.2 },
  'KNN CAD': { standard: 58.0, reward_low_FP_rate: 43.4, reward_low_FN_rate: 64.8 },
  'Relative Entropy': { standard: 54.6, reward_low_FP_rate: 47.6, reward_low_FN_rate: 58.8 },
  'Random Cut Forest': { standard: 51.7, reward_low_FP_rate: 38.4, reward_low_FN_rate: 59.7 },
  'Twitter ADVec': { standard: 47.1, reward_low_FP_rate: 33.6, reward_low_FN_rate: 53.5 },
  'Windowed Gaussian': { standard: 39.6, reward_low_FP_rate: 20.9, reward_low_FN_rate: 47.4 },
  'Etsy Skyline': { standard: 35.7, reward_low_FP_rate: 27.1, reward_low_FN_rate: 44.5 },
  'Bayesian Changepoint': { standard: 17.7, reward_low_FP_rate: 3.2, reward_low_FN_rate: 32.2 },
  Random: { standard: 11.0, reward_low_FP_rate: 1.2, reward_low_FN_rate: 19.5 },
};
