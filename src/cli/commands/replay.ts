/** genie replay: time travel — a run's state as it was at any event or time of its history. */
import { quietReplayLogs, travel } from '../../audit/time-travel';
import { withClient } from '../client';
import type { Command } from '../command';
import { EXIT, icon, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'replay',
  summary: "Show a run's state as it was at an event id or a time, by replaying its history with the worker's code.",
  usage: 'genie replay <id> [--at <eventId|time>] [--json]',
  details: ['Without --at: the state after the last event. If the code changed incompatibly since, says where replay diverges (exit 1).'],
  options: { at: { type: 'string', help: 'an event id or a time (default: the last event)' }, json: { type: 'boolean', help: 'the state as JSON' } },
  async run(values, [id], out) {
    if (!id) throw new UsageError('name the run: genie replay <id> [--at 42]');
    quietReplayLogs();
    return withClient(async (client) => {
      const history = await client.workflow
        .getHandle(id)
        .fetchHistory()
        .catch((err: Error) => {
          throw new UsageError(`cannot read the history of ${id}: ${err.message}`, EXIT.failed);
        });
      let result;
      try {
        result = await travel(id, history.events ?? [], values.at as string | undefined);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (values.json) out.printJson(result);
      else {
        out.print(`${id} at event ${result.atEventId} of ${result.totalEvents} (${result.atTime}): ${result.state?.status ?? 'not started'}`);
        for (const s of result.state?.steps ?? [])
          out.print(`  ${icon(s.status)} ${s.id.padEnd(28)} ${s.status.padEnd(10)} attempts ${s.attempts}  ${s.note ?? s.error?.message ?? ''}`);
        for (const a of result.state?.pendingApprovals ?? []) out.print(`  approval pending on ${a.stepId}: ${a.approvals.length}/${a.minApprovals}`);
        if (result.divergence) out.print(`replay diverges from this code: ${result.divergence}`);
      }
      return result.divergence ? EXIT.failed : EXIT.ok;
    });
  },
};
