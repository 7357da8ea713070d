/** Where the Alertmanager intake listens: genie alerts --port, else GENIE_ALERTS_PORT, else 9095 (genie up uses the same). */
import { portOption } from './port-option';

export const DEFAULT_ALERTS_PORT = 9095;

export function alertsPort(flag: unknown): number {
  if (flag !== undefined) return portOption(flag, '--port');
  return portOption(process.env.GENIE_ALERTS_PORT, 'GENIE_ALERTS_PORT', DEFAULT_ALERTS_PORT);
}
