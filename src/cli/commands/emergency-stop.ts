/** genie emergency-stop: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('emergencyStop', 'Chaos: stop the experiment now; its rollbacks (finally) run and cannot be interrupted.', false);
