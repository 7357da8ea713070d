/**
 * `genie audit timeline`: one self-contained HTML page per run — what ran when (a Gantt-like
 * bar per step, coloured by outcome), every decision and override with who and why, and the
 * event timeline — for incident reviews, where nobody wants to read raw JSON.
 */
import type { RunState, StepRecord } from '../../workflows/api';
import type { TimelineEntry } from '../temporal/history';

const COLOURS: Record<string, string> = {
  succeeded: '#2e9d5b',
  failed: '#d64545',
  skipped: '#9aa5b1',
  cancelled: '#b08b2e',
  running: '#3b7dd8',
  waiting: '#8a63d2',
  pending: '#cbd2d9',
};

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function span(steps: StepRecord[], fallbackEnd: number): { start: number; end: number } {
  const starts = steps.map((s) => Date.parse(s.startedAt ?? '')).filter(Number.isFinite);
  const ends = steps.map((s) => Date.parse(s.endedAt ?? s.startedAt ?? '')).filter(Number.isFinite);
  const start = starts.length ? Math.min(...starts) : fallbackEnd;
  return { start, end: Math.max(start + 1, fallbackEnd, ...ends) };
}

function ms(duration: number): string {
  if (duration < 1000) return `${Math.round(duration)} ms`;
  if (duration < 120_000) return `${(duration / 1000).toFixed(1)} s`;
  return `${(duration / 60_000).toFixed(1)} min`;
}

function bars(steps: StepRecord[], start: number, end: number): string {
  const width = end - start;
  return steps
    .map((s) => {
      const from = Date.parse(s.startedAt ?? '');
      const to = Date.parse(s.endedAt ?? '') || end;
      const left = Number.isFinite(from) ? ((from - start) / width) * 100 : 0;
      const size = Number.isFinite(from) ? Math.max(0.4, ((to - from) / width) * 100) : 0;
      const label = `${s.id} — ${s.status}${s.attempts > 1 ? `, ${s.attempts} attempts` : ''}${Number.isFinite(from) ? `, ${ms(to - from)}` : ''}`;
      const why = s.error ? `${s.error.code}: ${s.error.message}` : (s.note ?? '');
      return (
        `<div class="row"><div class="name" title="${escapeHtml(s.name ?? s.id)}">${escapeHtml(s.id)}</div><div class="lane">` +
        `<div class="bar" style="left:${left.toFixed(2)}%;width:${size.toFixed(2)}%;background:${COLOURS[s.status] ?? '#999'}" title="${escapeHtml(label)}"></div></div>` +
        `<div class="why">${escapeHtml(s.status)}${why ? ` — ${escapeHtml(why)}` : ''}</div></div>`
      );
    })
    .join('\n');
}

export function renderTimeline(workflowId: string, state: RunState, events: TimelineEntry[], now = Date.now()): string {
  const { start, end } = span(state.steps, Date.parse(events[events.length - 1]?.time ?? '') || now);
  const rb = state.runbook;
  const decisions = state.overrides
    .map(
      (o) =>
        `<tr><td>${escapeHtml(o.at)}</td><td>${escapeHtml(o.action)}</td><td>${escapeHtml(o.by)}</td><td>${escapeHtml(o.stepId ?? '')}</td><td>${escapeHtml(o.reason ?? '')}</td><td>${o.accepted ? 'accepted' : `refused: ${escapeHtml(o.refusal)}`}</td></tr>`,
    )
    .join('\n');
  const log = events
    .map((e) => `<tr><td>${escapeHtml(e.time)}</td><td>#${e.eventId}</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.text)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(rb?.name ?? workflowId)} — ${escapeHtml(workflowId)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2933}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#52606d}.status{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;background:${COLOURS[state.status] ?? (state.status === 'rolled_back' || state.status === 'aborted' ? '#b08b2e' : '#3b7dd8')}}
.row{display:grid;grid-template-columns:200px 1fr 360px;gap:8px;align-items:center;margin:2px 0}.name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-family:monospace}
.lane{position:relative;height:16px;background:#f0f4f8;border-radius:3px}.bar{position:absolute;top:2px;height:12px;border-radius:2px}.why{color:#52606d;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e7eb;padding:3px 6px;text-align:left;vertical-align:top;font-size:13px}th{background:#f5f7fa}
</style></head><body>
<h1>${escapeHtml(rb?.name ?? 'runbook')} ${rb ? `v${escapeHtml(rb.version)}` : ''} <span class="status">${escapeHtml(state.status)}</span></h1>
<div class="meta">run ${escapeHtml(workflowId)} · requested by ${escapeHtml(state.requestedBy)} at ${escapeHtml(state.startedAt)} · ${ms(end - start)} · ${rb ? `sha256 ${escapeHtml(rb.sha256.slice(0, 16))}… from ${escapeHtml(rb.source)}` : ''}</div>
${state.error ? `<p><strong>${escapeHtml(state.error.code)}</strong> ${escapeHtml(state.error.stepId ? `at ${state.error.stepId}: ` : '')}${escapeHtml(state.error.message)}</p>` : ''}
<h2>Steps</h2>
${bars(state.steps, start, end)}
<h2>Decisions and overrides</h2>
${decisions ? `<table><tr><th>at</th><th>what</th><th>who</th><th>step</th><th>why</th><th>outcome</th></tr>${decisions}</table>` : '<p class="meta">none</p>'}
<h2>Timeline</h2>
<table><tr><th>time</th><th>event</th><th>kind</th><th>what happened</th></tr>${log}</table>
</body></html>
`;
}
