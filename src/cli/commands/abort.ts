/** genie abort: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('abort', 'Abort a run; its onFailure compensation runs and cannot be interrupted.', false);
