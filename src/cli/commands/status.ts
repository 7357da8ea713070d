import { stateQuery, type RunbookResult, type RunState } from '../../../workflows/api';
import { withClient } from '../client';
import type { Command } from '../command';
import { EXIT, icon, type Output, UsageError } from '../output';

export const command: Command = {
  name: 'status',
  summary: 'Show a run: its status, every step with attempts and errors, pending approvals and overrides.',
  usage: 'genie status <id> [--json]',
  options: { json: { type: 'boolean', help: 'the state as JSON' } },
  async run(values, [id], out) {
    if (!id) throw new UsageError('name the run, e.g. genie status hello-20260101T000000-abc123');
    return withClient(async (client) => {
      const handle = client.workflow.getHandle(id);
      const description = await handle.describe().catch(() => {
        throw new UsageError(`no run with id ${id}`, EXIT.failed);
      });
      // A finished run answers from its stored result: a query would need a worker to replay it.
      let state: RunState | undefined = description.status.name === 'RUNNING' ? await handle.query(stateQuery) : undefined;
      if (!state) {
        const result = (await handle.result().catch(() => undefined)) as RunbookResult | undefined;
        state = {
          runbook: result?.runbook,
          status: result?.status ?? (description.status.name.toLowerCase() as RunState['status']),
          paused: false,
          requestedBy: result?.requestedBy ?? '',
          startedAt: result?.startedAt ?? description.startTime.toISOString(),
          params: {},
          steps: result?.steps ?? [],
          pendingApprovals: [],
          awaitingDecision: [],
          overrides: result?.overrides ?? [],
          ...(result?.error ? { error: result.error } : {}),
        };
      }
      if (values.json) {
        out.printJson({ workflowId: id, temporalStatus: description.status.name, ...state });
        return EXIT.ok;
      }
      out.print(
        `${id}: ${state.runbook ? `${state.runbook.name} v${state.runbook.version} (sha256 ${state.runbook.sha256.slice(0, 12)})` : ''} — ${state.status}`,
      );
      if (state.requestedBy) out.print(`requested by ${state.requestedBy} at ${state.startedAt}`);
      for (const s of state.steps) {
        const extra = s.note ?? (s.error ? `${s.error.code}: ${s.error.message}` : '');
        out.print(`  ${icon(s.status)} ${s.id.padEnd(28)} ${s.status.padEnd(10)} attempts ${s.attempts}  ${extra}`);
      }
      for (const a of state.pendingApprovals) {
        out.print(
          `  approval pending on ${a.stepId}: ${a.approvals.length}/${a.minApprovals} (approvers: ${a.approvers.join(', ') || 'anyone'})${a.deadline ? ` until ${a.deadline}` : ''}`,
        );
      }
      for (const o of state.overrides)
        out.print(`  ${o.at} ${o.action} by ${o.by}${o.reason ? ` — ${o.reason}` : ''}${o.accepted ? '' : ` (refused: ${o.refusal})`}`);
      if (state.error) out.print(`error: ${state.error.stepId ? `${state.error.stepId}: ` : ''}${state.error.code}: ${state.error.message}`);
      return EXIT.ok;
    });
  },
};
