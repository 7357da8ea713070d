import type { Command } from '../command';
import { withClient } from '../client';
import { EXIT, type Output, UsageError } from '../output';

const SAFE = /^[A-Za-z0-9_.:-]+$/;

export const command: Command = {
  name: 'list',
  summary: 'List runs, newest first, filtered by runbook status or name.',
  usage: 'genie list [--status S] [--name N] [--limit N] [--json]',
  details: ['  --status   running, paused, waiting_approval, waiting_decision, succeeded, failed, aborted, rolled_back'],
  options: {
    status: { type: 'string', help: 'only runs with this runbook status' },
    name: { type: 'string', help: 'only runs of this runbook' },
    limit: { type: 'string', help: 'at most N runs (default 50)' },
    json: { type: 'boolean', help: 'the runs as JSON' },
  },
  async run(values, _positionals, out) {
    const clauses = ["WorkflowType = 'runbook'"];
    for (const [flag, attribute] of [
      ['status', 'RunbookStatus'],
      ['name', 'RunbookName'],
    ] as const) {
      const value = values[flag] as string | undefined;
      if (value === undefined) continue;
      if (!SAFE.test(value)) throw new UsageError(`--${flag} ${value}: use letters, digits and _.:- only`);
      clauses.push(`${attribute} = '${value}'`);
    }
    const limit = Number(values.limit ?? 50);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive integer');
    return withClient(async (client) => {
      const rows: Record<string, unknown>[] = [];
      for await (const w of client.workflow.list({ query: clauses.join(' AND ') })) {
        const attr = (key: string): string => String((w.searchAttributes?.[key] as unknown[] | undefined)?.[0] ?? '');
        rows.push({
          workflowId: w.workflowId,
          runbook: attr('RunbookName'),
          status: attr('RunbookStatus') || w.status.name.toLowerCase(),
          started: w.startTime.toISOString(),
        });
        if (rows.length >= limit) break;
      }
      if (values.json) out.printJson(rows);
      else if (rows.length === 0) out.print('no runs match');
      else for (const r of rows) out.print(`${String(r.started)}  ${String(r.status).padEnd(17)} ${String(r.runbook).padEnd(24)} ${String(r.workflowId)}`);
      return EXIT.ok;
    });
  },
};
