/** genie force-failover: an override of a running run (override-command.ts). */
import { overrideCommand } from '../override-command';

export const command = overrideCommand(
  'forceFailover',
  'Failover: fail over to --target now, past the RPO gate (needs the approvals the runbook asks for).',
  false,
);
