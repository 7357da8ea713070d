/**
 * One metric stream in front of its detector: the place where bad input is dealt with,
 * deliberately and visibly, before a model sees it.
 *
 * | input                           | what happens                                            |
 * |---------------------------------|---------------------------------------------------------|
 * | NaN, null (a missing sample)    | skipped: score 0, `skipped: 'missing'`, model untouched |
 * | +Infinity / -Infinity           | skipped: `skipped: 'infinite'`                          |
 * | |value| > 1e100                 | skipped: `skipped: 'out-of-range'` (no metric is that   |
 * |                                 | large, and the squares models keep would overflow)      |
 * | timestamp before the last one   | skipped: `skipped: 'out-of-order'` (late data is not    |
 * |                                 | rewound into a streaming model)                         |
 * | timestamp equal to the last one | skipped: `skipped: 'duplicate-timestamp'` (first wins)  |
 * | a gap (interval > 2× typical)   | scored normally, reported as `gapBefore` (rows missing);|
 * |                                 | not filled: inventing values would hide the outage      |
 * | constant series                 | scored: every detector floors its scale, so the flat    |
 * |                                 | stretch scores 0 and the first change scores high       |
 * | too few points                  | scored 0 while the detector warms up (`raw: null`)      |
 *
 * A skipped value never reaches the model, so it cannot poison its statistics, and the
 * score is never NaN. Counts of everything skipped are kept for reports.
 */
import type { Detector, DetectorState, ScoredValue } from './detector';
import { restoreDetector } from './registry';

export type SkipReason = 'missing' | 'infinite' | 'out-of-range' | 'out-of-order' | 'duplicate-timestamp';

/** Larger magnitudes are refused: squared, they would overflow a double. */
export const MAX_MAGNITUDE = 1e100;

export interface StreamScore extends ScoredValue {
  skipped?: SkipReason;
  /** About how many samples are missing just before this one, judged by the typical interval. */
  gapBefore?: number;
}

export interface StreamCounts {
  scored: number;
  skipped: Record<SkipReason, number>;
  gaps: number;
}

export interface MetricStreamState {
  detector: DetectorState;
  lastTimestamp: number | null;
  intervals: number[];
  counts: StreamCounts;
}

/** Intervals remembered to judge what "typical" is. */
const INTERVALS = 31;
/** An interval this many times the typical one is a gap. */
const GAP_FACTOR = 2;

export class MetricStream {
  private lastTimestamp: number | null = null;
  private intervals: number[] = [];
  readonly counts: StreamCounts = { scored: 0, skipped: { missing: 0, infinite: 0, 'out-of-range': 0, 'out-of-order': 0, 'duplicate-timestamp': 0 }, gaps: 0 };

  constructor(readonly detector: Detector) {}

  static fromJSON(state: MetricStreamState): MetricStream {
    const stream = new MetricStream(restoreDetector(state.detector));
    stream.lastTimestamp = state.lastTimestamp;
    stream.intervals = [...state.intervals];
    Object.assign(stream.counts, structuredClone(state.counts));
    return stream;
  }

  /** Scores the next sample; `timestamp` (any monotonic number, e.g. epoch ms) is optional. */
  push(value: number | null | undefined, timestamp?: number): StreamScore {
    if (value === null || value === undefined || Number.isNaN(value)) return this.skip('missing');
    if (!Number.isFinite(value)) return this.skip('infinite');
    if (Math.abs(value) > MAX_MAGNITUDE) return this.skip('out-of-range');
    let gapBefore: number | undefined;
    if (timestamp !== undefined && Number.isFinite(timestamp)) {
      if (this.lastTimestamp !== null) {
        if (timestamp < this.lastTimestamp) return this.skip('out-of-order');
        if (timestamp === this.lastTimestamp) return this.skip('duplicate-timestamp');
        gapBefore = this.gap(timestamp - this.lastTimestamp);
      }
      this.lastTimestamp = timestamp;
    }
    this.counts.scored++;
    const scored = this.detector.update(value);
    return gapBefore ? { ...scored, gapBefore } : scored;
  }

  private skip(reason: SkipReason): StreamScore {
    this.counts.skipped[reason]++;
    return { score: 0, raw: null, tail: 1, skipped: reason };
  }

  /** Missing samples implied by `interval`, or undefined when it is ordinary; remembers it either way. */
  private gap(interval: number): number | undefined {
    let missing: number | undefined;
    if (this.intervals.length >= 8) {
      const typical = [...this.intervals].sort((a, b) => a - b)[this.intervals.length >> 1];
      if (interval > GAP_FACTOR * typical) {
        missing = Math.round(interval / typical) - 1;
        this.counts.gaps++;
      }
    }
    this.intervals.push(interval);
    if (this.intervals.length > INTERVALS) this.intervals.shift();
    return missing;
  }

  toJSON(): MetricStreamState {
    return { detector: this.detector.toJSON(), lastTimestamp: this.lastTimestamp, intervals: [...this.intervals], counts: structuredClone(this.counts) };
  }
}
