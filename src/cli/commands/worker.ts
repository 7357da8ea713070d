/** genie worker: one worker against TEMPORAL_ADDRESS; run as many as you like. */
import type { Command } from '../command';
import { checkPolicyFirst, runWorkerUntilSignal } from '../local-stack';

export const command: Command = {
  name: 'worker',
  summary: 'Run a Genie worker against TEMPORAL_ADDRESS (or the local dev server). Run as many as you like.',
  usage: 'genie worker',
  options: {},
  async run(_values, _positionals, out) {
    checkPolicyFirst(out);
    return runWorkerUntilSignal(out);
  },
};
