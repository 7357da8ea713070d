/** genie release-hold: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('releaseHold', 'Failover: end a hold-failover.', false);
