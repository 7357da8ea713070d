/** genie pause: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('pause', 'Pause a run at the next step boundary.', false);
