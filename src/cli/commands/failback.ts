/** genie failback: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('failback', 'Failover: switch back to the original primary region once it has rejoined.', false);
