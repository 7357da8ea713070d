/** genie up: the local stack: the dev server (unless TEMPORAL_ADDRESS), the demo environment, the alert intake and a worker. */
import { temporalSettings } from '../../temporal/config';
import { startLocalDemo } from '../../demo/environment';
import type { Command } from '../command';
import { checkPolicyFirst, maybeStartServer, runWorkerUntilSignal, startIntake } from '../local-stack';
import { type Output } from '../output';

export const command: Command = {
  name: 'up',
  summary: 'Start everything for local use: the Temporal dev server with its Web UI, and a Genie worker.',
  usage: 'genie up',
  details: [
    'Ports: GENIE_TEMPORAL_PORT (7233), GENIE_UI_PORT (8233). With TEMPORAL_ADDRESS set, the embedded server does not start.',
    'Demo environment (GENIE_DEMO=off skips it): traffic router GENIE_ROUTER_PORT (18080), admin GENIE_ROUTER_ADMIN_PORT (18090),',
    'demo services stable GENIE_STABLE_PORT (18081) and canary GENIE_CANARY_PORT (18082), run by the process supervisor (.genie/processes).',
  ],
  options: {},
  async run(_values, _positionals, out) {
    checkPolicyFirst(out);
    const server = await maybeStartServer(out.print);
    const settings = temporalSettings();
    // Before the worker: its actions read the router and deploy variables this sets.
    const demo = await startLocalDemo(out.print);
    const intake = await startIntake(settings, out);
    // Closing the intake matters: its listening socket would keep this process alive after the worker stops.
    return runWorkerUntilSignal(out, server, () => {
      if (intake) out.print(`Alertmanager webhook intake: ${intake.url}`);
      for (const line of demo?.summary ?? []) out.print(line);
      if (!server?.uiUrl) return;
      out.print('');
      out.print(`Temporal Web UI: ${server.uiUrl}`);
      out.print('Start a runbook from the UI: Workflows → Start Workflow, then');
      out.print(`  Workflow Type: runbook   Task Queue: ${settings.taskQueue}   Input (JSON): {"runbook":"hello"}`);
      out.print('or from a shell: ./bin/genie run hello --wait        (Ctrl-C stops everything)');
      out.print('');
    }).finally(async () => {
      await intake?.close();
      await demo?.stop();
    });
  },
};
