/** genie hold-failover: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('holdFailover', 'Failover: no automatic failover until release-hold.', false);
