/** genie skip: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('skip', 'Skip a step: a failed one waiting for a decision, a running one, or one not reached yet.', true);
