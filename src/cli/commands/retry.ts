/** genie retry: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('retry', 'Retry a failed step (onError: wait) or an inconclusive analysis that is waiting for a decision.', false);
