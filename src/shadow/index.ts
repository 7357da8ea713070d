/** Shadow testing: compare a primary's and a candidate's answers, with noise cancellation. */
export { differences, parsedBody, type FieldDifference, type Observation } from './diff';
export { endpointOf, pathTemplate } from './endpoint';
export { compilePattern, formatPath, generalizePath, PathPatternError } from './paths';
export { compareShadowPairs, quantile, type ComparedPair, type EndpointReport, type FieldReport, type ShadowReport } from './report';
export { splitRouterPairs, type SplitOptions } from './router-pairs';
export { compileRules, CompareRulesError, type CompareRules } from './rules';
