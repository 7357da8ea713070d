/** genie alerts: the Alertmanager webhook intake alone (genie up serves it too). */
import { AlertIntakeConfigError, checkAlertIntakeExposure, startAlertServer } from '../../alerts/server';
import { connectClient } from '../../temporal/connection';
import { effectiveAddress, temporalSettings } from '../../temporal/config';
import { alertsPort } from '../alerts-port';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';
import { untilSignal } from '../until-signal';

export const command: Command = {
  name: 'alerts',
  summary: 'Serve the Alertmanager webhook intake: firing alert groups start (or join) an incident-response run; resolved ones reach it.',
  usage: 'genie alerts [--port 9095] [--host 127.0.0.1] [--runbook incident-response]',
  details: [
    '  POST Alertmanager webhooks (version 4) to http://<host>:<port>/alerts. One run per alert group (the id comes from',
    '  the groupKey), so repeats join it. Malformed payloads get 400 with the reason and start nothing.',
    '  GENIE_ALERTS_TOKEN set: requests need Authorization: Bearer <token>. GENIE_ALERTS_PORT sets the default port.',
    '  Without GENIE_ALERTS_TOKEN the intake listens on loopback only: --host beyond loopback is refused.',
  ],
  options: {
    port: { type: 'string', help: 'port to listen on (default $GENIE_ALERTS_PORT, else 9095)' },
    host: { type: 'string', help: 'address to listen on (default 127.0.0.1; beyond loopback needs GENIE_ALERTS_TOKEN)' },
    runbook: { type: 'string', help: 'the runbook a firing alert group starts (default incident-response)' },
  },
  async run(values, _positionals, out) {
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    try {
      checkAlertIntakeExposure(host, process.env.GENIE_ALERTS_TOKEN || undefined);
    } catch (err) {
      if (err instanceof AlertIntakeConfigError) throw new UsageError(err.message);
      throw err;
    }
    const settings = temporalSettings();
    const client = await connectClient(settings).catch((err: Error) => {
      throw new UsageError(`cannot reach Temporal at ${effectiveAddress(settings)}: ${err.message}`, EXIT.failed);
    });
    const server = await startAlertServer({
      client,
      taskQueue: settings.taskQueue,
      port: alertsPort(values.port),
      host,
      ...(values.runbook ? { runbook: values.runbook as string } : {}),
      ...(process.env.GENIE_ALERTS_TOKEN ? { token: process.env.GENIE_ALERTS_TOKEN } : {}),
      log: out.print,
    });
    out.print(`alert intake listening on ${server.url}${process.env.GENIE_ALERTS_TOKEN ? ' (bearer token required)' : ''}`);
    await untilSignal();
    await server.close();
    await client.connection.close();
    return EXIT.ok;
  },
};
