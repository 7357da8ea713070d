/** genie skip-strategy: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('skipStrategy', 'Self-healing: leave a recovery strategy out of the ladder from now on.', false);
