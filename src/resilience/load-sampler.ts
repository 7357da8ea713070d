/**
 * The one background sampler of host load that every breaker in the process shares. It
 * reads CPU, memory and event-loop delay every interval (1 s by default) on an unref'd timer,
 * and publishes `pressure` as a plain field: breakers never measure anything per call.
 *
 * Readings come from node:os and node:perf_hooks, all synchronous and cheap (no child
 * processes). systeminformation's currentLoad is deliberately not used: it keeps one global
 * "since the previous call" baseline that the health.system action relies on for its own CPU
 * window, and a second caller would shorten that window.
 */
import * as os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { DEFAULT_PRESSURE_MARKS, pressureOf, type LoadSample, type LoadSource, type PressureMarks } from './load';

/** Where samples come from; tests inject fixed or scripted readings. */
export interface LoadReader {
  read(): LoadSample;
  close?(): void;
}

export interface LoadSamplerOptions {
  /** Milliseconds between samples. Default 1000. */
  intervalMs?: number;
  /** Default: the host (hostLoadReader()). */
  reader?: LoadReader;
  /** Default: DEFAULT_PRESSURE_MARKS. */
  marks?: PressureMarks;
}

export class LoadSampler implements LoadSource {
  pressure = 0;
  cause: keyof LoadSample | undefined;
  last: (LoadSample & { at: number }) | undefined;
  /** How many samples were taken: tests use it to prove sampling is periodic, not per call. */
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly marks: PressureMarks;
  private reader: LoadReader | undefined;

  constructor(private readonly options: LoadSamplerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.marks = options.marks ?? DEFAULT_PRESSURE_MARKS;
    this.reader = options.reader;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): this {
    if (this.timer) return this;
    this.reader ??= hostLoadReader();
    this.timer = setInterval(() => this.sampleNow(), this.intervalMs);
    // Sampling must never be the reason a process stays alive.
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.options.reader) {
      this.reader?.close?.();
      this.reader = undefined;
    }
  }

  sampleNow(): void {
    this.reader ??= hostLoadReader();
    try {
      const sample = this.reader.read();
      const { pressure, cause } = pressureOf(sample, this.marks);
      this.pressure = pressure;
      this.cause = cause;
      this.last = { ...sample, at: Date.now() };
      this.samples++;
    } catch {
      // A failed reading keeps the last pressure: better slightly stale than a crash in a timer.
    }
  }
}

/** CPU busy fraction from os.cpus() deltas, memory from os, event-loop delay from a perf_hooks histogram. */
export function hostLoadReader(): LoadReader {
  const resolutionMs = 20;
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let previous = cpuTimes();
  return {
    read() {
      const current = cpuTimes();
      const total = current.total - previous.total;
      const cpu = total > 0 ? 1 - (current.idle - previous.idle) / total : 0;
      previous = current;
      // The histogram records whole timer intervals; what exceeds the resolution is delay.
      const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 - resolutionMs : 0;
      histogram.reset();
      const memory = 1 - os.freemem() / os.totalmem();
      return { cpu: clamp01(cpu), memory: clamp01(memory), eventLoopDelayMs: Math.max(0, p99) };
    },
    close: () => histogram.disable(),
  };
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

let shared: LoadSampler | undefined;

/** The process's sampler, started on first use. */
export function sharedLoadSampler(intervalMs?: number): LoadSampler {
  shared ??= new LoadSampler({ ...(intervalMs !== undefined ? { intervalMs } : {}) }).start();
  return shared;
}
