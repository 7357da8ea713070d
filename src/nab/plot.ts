/**
 * A picture of what a detector did to one series: the values on top with the labelled
 * anomaly windows shaded and the detections marked, the anomaly score below with the
 * threshold. Built as a Vega-Lite spec and rendered to SVG by Vega with no browser.
 *
 * Long series are thinned for drawing only: each bucket of rows keeps its minimum and
 * maximum value and its highest score, so spikes survive; windows and detections are
 * drawn at their exact rows.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface PlotInput {
  title: string;
  timestamps: readonly string[];
  values: ArrayLike<number>;
  scores: ArrayLike<number>;
  windows: readonly { start: number; end: number }[];
  detections: readonly number[];
  threshold: number;
  probation: number;
  /** Points drawn at most per line (default 3000). */
  maxPoints?: number;
}

/** NAB timestamps are zone-less local times; draw them as UTC so the picture does not depend on the machine's zone. */
function utc(timestamp: string): string {
  const t = timestamp
    .trim()
    .replace(' ', 'T')
    .replace(/\.\d+$/, '');
  return /Z|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`;
}

export function plotSpec(input: PlotInput): TopLevelSpec {
  const n = input.values.length;
  const bucket = Math.max(1, Math.ceil(n / ((input.maxPoints ?? 3000) / 2)));
  const line: { t: string; value: number }[] = [];
  const score: { t: string; score: number }[] = [];
  for (let from = 0; from < n; from += bucket) {
    const to = Math.min(n, from + bucket);
    let lo = from,
      hi = from,
      top = from;
    for (let i = from; i < to; i++) {
      if (input.values[i] < input.values[lo]) lo = i;
      if (input.values[i] > input.values[hi]) hi = i;
      if (input.scores[i] > input.scores[top]) top = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) if (Number.isFinite(input.values[i])) line.push({ t: utc(input.timestamps[i]), value: input.values[i] });
    score.push({ t: utc(input.timestamps[top]), score: input.scores[top] });
  }
  const windows = input.windows.map((w) => ({ start: utc(input.timestamps[w.start]), end: utc(input.timestamps[w.end]) }));
  const detections = input.detections.map((row) => ({ t: utc(input.timestamps[row]), value: input.values[row], score: input.scores[row] }));
  const x = { field: 't', type: 'temporal' as const, title: null, scale: { type: 'utc' as const } };
  const windowLayer = {
    data: { values: windows },
    mark: { type: 'rect' as const, color: '#f4a261', opacity: 0.3 },
    encoding: { x: { field: 'start', type: 'temporal' as const, scale: { type: 'utc' as const } }, x2: { field: 'end' } },
  };
  const probationLayer = {
    data: { values: input.probation > 0 ? [{ start: utc(input.timestamps[0]), end: utc(input.timestamps[Math.min(n - 1, input.probation)]) }] : [] },
    mark: { type: 'rect' as const, color: '#999999', opacity: 0.15 },
    encoding: { x: { field: 'start', type: 'temporal' as const, scale: { type: 'utc' as const } }, x2: { field: 'end' } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: input.title,
      subtitle: 'orange: labelled anomaly windows · grey: probationary period · red ▼: detections · dashed: threshold',
      anchor: 'start',
    },
    config: { font: 'sans-serif', view: { stroke: null } },
    vconcat: [
      {
        width: 900,
        height: 220,
        layer: [
          probationLayer,
          windowLayer,
          {
            data: { values: line },
            mark: { type: 'line', strokeWidth: 1, color: '#264653' },
            encoding: { x, y: { field: 'value', type: 'quantitative', title: 'value' } },
          },
          {
            data: { values: detections },
            mark: { type: 'point', shape: 'triangle-down', filled: true, size: 80, color: '#e63946' },
            encoding: { x, y: { field: 'value', type: 'quantitative' } },
          },
        ],
      },
      {
        width: 900,
        height: 120,
        layer: [
          probationLayer,
          windowLayer,
          {
            data: { values: score },
            mark: { type: 'line', strokeWidth: 1, color: '#2a9d8f' },
            encoding: { x, y: { field: 'score', type: 'quantitative', title: 'anomaly score', scale: { domain: [0, 1] } } },
          },
          {
            data: { values: [{ threshold: input.threshold }] },
            mark: { type: 'rule', strokeDash: [4, 3], color: '#e63946' },
            encoding: { y: { field: 'threshold', type: 'quantitative' } },
          },
          {
            data: { values: detections },
            mark: { type: 'point', shape: 'triangle-down', filled: true, size: 50, color: '#e63946' },
            encoding: { x, y: { field: 'score', type: 'quantitative' } },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
