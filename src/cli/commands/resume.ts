/** genie resume: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('resume', 'Resume a paused run.', false);
