/** genie reject: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('reject', 'Reject the pending approval step of a run; the step fails and onFailure runs.', false);
