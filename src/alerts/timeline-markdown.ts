/**
 * An incident's timeline as markdown, projected from the run's own history: when it was
 * detected, what each stage did, every recovery attempt, overrides and alert notifications
 * with who and when. Pure: takes the projected timeline entries.
 */
import type { TimelineEntry } from '../temporal/history';

const STAGES: [RegExp, string][] = [
  [/^detect/i, 'Detect'],
  [/^assess/i, 'Assess'],
  [/^mitigate/i, 'Mitigate'],
  [/^recover/i, 'Recover'],
  [/^escalate/i, 'Escalate'],
  [/^log/i, 'Log'],
];

function stageOf(text: string): string | undefined {
  const step = text.split(':')[0].trim();
  return STAGES.find(([re]) => re.test(step))?.[1];
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 160);

export function timelineMarkdown(title: string, workflowId: string, entries: TimelineEntry[], now = new Date().toISOString()): string {
  const start = entries[0]?.time ?? now;
  const offset = (t: string) => `+${((Date.parse(t) - Date.parse(start)) / 1000).toFixed(1)}s`;
  const lines = [
    `# ${title}`,
    '',
    `Run \`${workflowId}\`, started ${start}; timeline written ${now} from the run's Temporal history (${entries.length} entries).`,
    '',
    '| when | stage | event |',
    '|---|---|---|',
  ];
  for (const e of entries) {
    if (e.kind === 'timer.started' || e.kind === 'timer.fired') continue;
    lines.push(`| ${e.time} (${offset(e.time)}) | ${stageOf(e.text) ?? ''} | ${cell(e.text)} |`);
  }
  return lines.join('\n') + '\n';
}
