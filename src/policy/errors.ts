/** A policy file that cannot be used: every problem, each as file:line:col: message. */
import { GenieError } from '../errors/genie-error';

export class PolicyError extends GenieError {
  readonly code = 'POLICY_INVALID';

  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`access policy ${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}
