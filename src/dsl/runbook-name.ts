/**
 * What a workflow input may call a runbook: a bare name from the worker's runbook directory.
 * Never a path — workflow input comes from whoever can start a workflow (the Temporal UI,
 * `temporal workflow start`), and a path would let them open any file on the worker.
 */
import { GenieError } from '../errors/genie-error';

export const RUNBOOK_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_RUNBOOK_NAME_LENGTH = 128;

export class RunbookNameError extends GenieError {
  readonly code = 'RUNBOOK_NAME_INVALID';
}

/** Throws RunbookNameError unless `name` is a runbook name; the message never echoes more than a short prefix. */
export function checkRunbookName(name: unknown, where = 'input field "runbook"'): string {
  const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) + (name.length > 64 ? '…' : '') : typeof name;
  if (typeof name !== 'string' || name.length > MAX_RUNBOOK_NAME_LENGTH || !RUNBOOK_NAME_PATTERN.test(name)) {
    throw new RunbookNameError(
      `${where}: ${shown} is not a runbook name; a run names a runbook from the worker's runbook directory by its name ` +
        `(lower-case letters, digits, '.', '_', '-', at most ${MAX_RUNBOOK_NAME_LENGTH} characters, no '/'), never a file path; ` +
        'to run a file, use `genie run <file>`, which reads it on your machine and sends the definition inline',
    );
  }
  return name;
}
