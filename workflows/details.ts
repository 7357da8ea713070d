/** The short markdown progress table the Temporal UI shows as the run's current details. */
import type { LiveStatus, PendingApproval, RunbookIdentity, StepRecord } from './api';

const ICON: Record<string, string> = {
  pending: '⏳',
  running: '▶️',
  waiting: '⏸️',
  succeeded: '✅',
  failed: '❌',
  skipped: '⏭️',
  cancelled: '🚫',
};
const MAX_ROWS = 40;

export function renderDetails(identity: RunbookIdentity | undefined, status: LiveStatus, records: StepRecord[], approvals: PendingApproval[]): string {
  const title = identity ? `**${identity.name}** v${identity.version} — ${status.replace('_', ' ')}` : `runbook — ${status}`;
  const shown = records.slice(-MAX_ROWS);
  const rows = shown.map((r) => `| ${r.id} | ${ICON[r.status] ?? ''} ${r.status} | ${r.attempts} | ${escape(r.note ?? r.error?.message ?? '')} |`);
  const hidden = records.length - shown.length;
  const lines = [title, '', '| step | status | attempts | note |', '|---|---|---|---|', ...rows];
  if (hidden > 0) lines.splice(4, 0, `| … ${hidden} earlier | | | |`);
  for (const a of approvals) {
    lines.push('', `Waiting for approval of **${a.stepId}**: ${a.approvals.length}/${a.minApprovals} (approvers: ${a.approvers.join(', ') || 'anyone'})`);
  }
  return lines.join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 120);
}
