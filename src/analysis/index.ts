/** Statistics for rollout analysis: the Mann-Whitney U test and the Kayenta-style judge. */
export { exactCdf, mannWhitneyU, median, MannWhitneyError, type MannWhitneyResult } from './mann-whitney';
export {
  judge,
  judgeMetric,
  JudgeInputError,
  DEFAULTS as JUDGE_DEFAULTS,
  type Direction,
  type Judgement,
  type JudgeOptions,
  type MetricInput,
  type MetricJudgement,
  type Verdict,
} from './judge';
