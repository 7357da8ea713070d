/** genie approve: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('approve', 'Approve the pending approval step of a run (or the one named by --step).', false);
