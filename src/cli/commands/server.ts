/** genie server: only the embedded Temporal dev server. */
import type { Command } from '../command';
import { maybeStartServer } from '../local-stack';
import { EXIT, type Output } from '../output';
import { untilSignal } from '../until-signal';

export const command: Command = {
  name: 'server',
  summary: 'Start only the embedded Temporal dev server (state in .genie/temporal.sqlite).',
  usage: 'genie server',
  options: {},
  async run(_values, _positionals, out) {
    const s = await maybeStartServer(out.print);
    if (!s) return EXIT.ok;
    out.print(`Temporal at ${s.address}${s.uiUrl ? `, UI ${s.uiUrl}` : ''}; Ctrl-C stops it`);
    await Promise.race([untilSignal(), new Promise((r) => s.process.once('exit', r))]);
    await s.stop();
    return EXIT.ok;
  },
};
