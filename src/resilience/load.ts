/**
 * Host load as one number, pressure: 0 (idle) to 1 (saturated). Each metric contributes
 * nothing below its `high` mark and grows linearly to 1 at its `critical` mark; the host's
 * pressure is the worst metric's, because any one exhausted resource is enough to hurt.
 */

/** Where breakers read the host's pressure. A field read: called when a failure is judged. */
export interface LoadSource {
  readonly pressure: number;
}

/** No load at all: breakers built without a sampler (tests, the CLI) never adapt. */
export const NO_LOAD: LoadSource = Object.freeze({ pressure: 0 });

export interface LoadSample {
  /** Busy fraction of all CPUs over the last sampling interval, 0–1. */
  cpu: number;
  /** Fraction of memory in use (not available to new allocations), 0–1. */
  memory: number;
  /** 99th percentile of event-loop delay over the last interval, ms beyond the timer's own resolution. */
  eventLoopDelayMs: number;
}

/** [high, critical] per metric: pressure starts at `high` and is full at `critical`. */
export interface PressureMarks {
  cpu: [number, number];
  memory: [number, number];
  eventLoopDelayMs: [number, number];
}

export const DEFAULT_PRESSURE_MARKS: Readonly<PressureMarks> = Object.freeze({
  cpu: [0.7, 0.95] as [number, number],
  memory: [0.8, 0.95] as [number, number],
  // Node's guidance: a loop blocked 100 ms is already felt by every request it serves.
  eventLoopDelayMs: [100, 500] as [number, number],
});

export interface Pressure {
  pressure: number;
  /** The metric that set it, for metrics and logs; undefined at zero pressure. */
  cause?: keyof LoadSample;
}

function ramp(value: number, [high, critical]: [number, number]): number {
  if (!(value > high)) return 0;
  return value >= critical ? 1 : (value - high) / (critical - high);
}

export function pressureOf(sample: LoadSample, marks: PressureMarks = DEFAULT_PRESSURE_MARKS): Pressure {
  let result: Pressure = { pressure: 0 };
  for (const metric of ['cpu', 'memory', 'eventLoopDelayMs'] as const) {
    const p = ramp(sample[metric], marks[metric]);
    if (p > result.pressure) result = { pressure: p, cause: metric };
  }
  return result;
}
