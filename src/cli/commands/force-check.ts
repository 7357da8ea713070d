/** genie force-check: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('forceCheck', 'Self-healing: run the health checks now instead of at the end of the current pause.', false);
