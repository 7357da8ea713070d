/** A policy file that cannot be used: every problem, each as file:line:col: message. */
export class PolicyError extends Error {
  readonly code = 'POLICY_INVALID';

  constructor(readonly file: string, readonly problems: string[]) {
    super(`access policy ${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}
