/** Validation of breaker override requests: every refusal says what is wrong and what would be right. Pure. */
import { BREAKER_NAME_PATTERN, FORCED_BREAKER_STATES, MAX_BREAKER_NAME, type ForceBreakerArgs, type ResetBreakerArgs } from './breakers-api';

const MAX_TEXT = 1000;

function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return '"name" is required: the destination, e.g. "https://api.example.com"';
  if (name.length > MAX_BREAKER_NAME) return `"name" is longer than ${MAX_BREAKER_NAME} characters`;
  if (!BREAKER_NAME_PATTERN.test(name)) {
    return `"${name}" is not a breaker name: use a URL origin like "https://api.example.com" (lowercase, no path) or a simple name like "router-admin"`;
  }
  return undefined;
}

function textProblem(field: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return required ? `"${field}" is required` : `"${field}" must be a non-empty string`;
  if (value.length > MAX_TEXT) return `"${field}" is longer than ${MAX_TEXT} characters`;
  return undefined;
}

export function forceProblem(args: ForceBreakerArgs): string | undefined {
  if (!args || typeof args !== 'object') return 'force needs {"name", "state", "by", "reason"}';
  return (
    nameProblem(args.name) ??
    (FORCED_BREAKER_STATES.includes(args.state)
      ? undefined
      : `"state" must be one of ${FORCED_BREAKER_STATES.join(', ')} (use reset to return to automatic), not ${JSON.stringify(args.state)}`) ??
    textProblem('by', args.by, true) ??
    textProblem('reason', args.reason, true)
  );
}

export function resetProblem(args: ResetBreakerArgs): string | undefined {
  if (!args || typeof args !== 'object') return 'reset needs {"name", "by"} and optionally "reason"';
  return nameProblem(args.name) ?? textProblem('by', args.by, true) ?? textProblem('reason', args.reason, false);
}
