/** The access policy for operator overrides: parsing, signing (CLI), and the decision (worker). */
export { parsePolicy, POLICY_ACTIONS } from './parse';
export { loadPolicy, policyFile } from './load';
export { decide } from './decide';
export { readKeyFile, signOverride, type SigningKey } from './sign';
export { PolicyError } from './errors';
export * from './types';
