import { decodeHistory } from '../../temporal/codec/decode-history';
import { projectHistory } from '../../temporal/history';
import { withClient } from '../client';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'history',
  summary: 'The audit trail of a run, read from its Temporal history: steps, attempts, timers, child runs, overrides with who and why.',
  usage: 'genie history <id> [--json]',
  options: { json: { type: 'boolean', help: 'the timeline as JSON' } },
  async run(values, [id], out) {
    if (!id) throw new UsageError('name the run: genie history <id>');
    return withClient(async (client) => {
      const events = await client.workflow
        .getHandle(id)
        .fetchHistory()
        .catch((err: Error) => {
          throw new UsageError(`cannot read the history of ${id}: ${err.message}`, EXIT.failed);
        });
      const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
      const timeline = projectHistory(await decodeHistory(events.events ?? [], payloadCodecs), payloadConverter);
      if (values.json) out.printJson(timeline);
      else for (const t of timeline) out.print(`${t.time}  #${String(t.eventId).padEnd(4)} ${t.kind.padEnd(16)} ${t.text}`);
      return EXIT.ok;
    });
  },
};
