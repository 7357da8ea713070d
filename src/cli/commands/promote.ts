/** genie promote: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand('promote', 'Canary: end the current pause, or accept an inconclusive analysis; --full skips to full promotion.', false);
