/**
 * Breaker overhead in the closed state: ns per call of our CircuitBreaker against cockatiel
 * and opossum, wrapping the same trivial async function, in one run, side by side. Every
 * candidate runs the same number of sequential awaited calls per round; rounds rotate the
 * order (so no candidate always runs first, or after the same GC debt) and the median round
 * counts. Overhead is a candidate's ns/call minus the bare call's; ratios compare overheads.
 * Target: our overhead ≤ cockatiel's, and well under 1 µs.
 */
import * as os from 'node:os';
import { ConsecutiveBreaker, SamplingBreaker, circuitBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { CircuitBreaker } from '../src/resilience/breaker';
import { sharedLoadSampler } from '../src/resilience/load-sampler';

export interface BreakerBenchOptions {
  /** Calls per candidate per round. Default 200,000. */
  calls?: number;
  /** Measured rounds (after one warm-up round). Default 7. */
  rounds?: number;
}

type Candidate = { name: string; note: string; call: () => Promise<unknown>; close?: () => void };

const work = async (): Promise<number> => 42;

function candidates(): Candidate[] {
  // As a worker builds them: default options, the shared background load sampler.
  const load = sharedLoadSampler();
  const countBreaker = new CircuitBreaker({ name: 'bench-count', load });
  const ticketBreaker = new CircuitBreaker({ name: 'bench-ticket', load });
  const timeBreaker = new CircuitBreaker({ name: 'bench-time', load, options: { window: { type: 'time', size: 60 } } });
  const cockatielConsecutive = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const cockatielSampling = circuitBreaker(handleAll, {
    halfOpenAfter: 10_000,
    breaker: new SamplingBreaker({ threshold: 0.5, duration: 20_000, minimumRps: 5 }),
  });
  const opossum = new Opossum(work, { timeout: false });
  const opossumDefault = new Opossum(work);
  return [
    { name: 'bare', note: 'the function alone', call: work },
    {
      name: 'genie',
      note: 'CircuitBreaker.execute with the defaults: count window of 20, slow-call timing, adaptive (shared sampler)',
      call: () => countBreaker.execute(work),
    },
    {
      name: 'genieTicket',
      note: 'tryAcquire() + record(): the path src/http/client.ts takes (the caller times the call)',
      call: async () => {
        const ticket = ticketBreaker.tryAcquire();
        const value = await work();
        ticketBreaker.record(ticket, false, 0);
        return value;
      },
    },
    { name: 'genieTimeWindow', note: 'CircuitBreaker.execute, time window of 60 s', call: () => timeBreaker.execute(work) },
    {
      name: 'cockatiel',
      note: 'cockatiel 4 circuitBreaker(handleAll, ConsecutiveBreaker(5)) — its cheapest breaker',
      call: () => cockatielConsecutive.execute(work),
    },
    { name: 'cockatielSampling', note: 'cockatiel 4 SamplingBreaker (rate over a time window, like ours)', call: () => cockatielSampling.execute(work) },
    { name: 'opossum', note: 'opossum 10 fire(), timeout: false (no per-call timer, like ours)', call: () => opossum.fire(), close: () => opossum.shutdown() },
    {
      name: 'opossumDefault',
      note: 'opossum 10 fire() with its defaults (a 10 s timeout timer per call)',
      call: () => opossumDefault.fire(),
      close: () => opossumDefault.shutdown(),
    },
  ];
}

async function timeRound(call: () => Promise<unknown>, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call();
  return Number(process.hrtime.bigint() - start) / calls;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round1 = (x: number): number => Math.round(x * 10) / 10;
const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;

export async function breakerOverhead(opts: BreakerBenchOptions = {}): Promise<Record<string, unknown>> {
  const calls = opts.calls ?? 200_000;
  const rounds = opts.rounds ?? 7;
  const list = candidates();
  const samples = new Map<string, number[]>(list.map((c) => [c.name, []]));
  try {
    for (const c of list) await timeRound(c.call, Math.min(calls, 50_000)); // warm-up: JIT, inline caches
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < list.length; k++) {
        const c = list[(r + k) % list.length];
        samples.get(c.name)!.push(await timeRound(c.call, calls));
      }
    }
  } finally {
    for (const c of list) c.close?.();
  }
  const nsPerCall = Object.fromEntries(list.map((c) => [c.name, round1(median(samples.get(c.name)!))]));
  const bare = nsPerCall.bare;
  const overheadNs = Object.fromEntries(list.filter((c) => c.name !== 'bare').map((c) => [c.name, round1(nsPerCall[c.name] - bare)]));
  const ours = overheadNs.genie;
  return {
    benchmark: 'circuit breaker overhead per call, closed state',
    timestamp: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}` },
    method: `${rounds} rounds × ${calls} sequential awaited calls per candidate (after a warm-up round), order rotated per round; median round`,
    candidates: Object.fromEntries(list.map((c) => [c.name, c.note])),
    nsPerCall,
    overheadNs,
    ratios: {
      'genie/cockatiel (overhead)': ratio(ours, overheadNs.cockatiel),
      'genie/cockatielSampling (overhead)': ratio(ours, overheadNs.cockatielSampling),
      'genie/opossum (overhead)': ratio(ours, overheadNs.opossum),
      'genie/opossumDefault (overhead)': ratio(ours, overheadNs.opossumDefault),
      'genie/bare (per call)': ratio(nsPerCall.genie, bare),
      'cockatiel/bare (per call)': ratio(nsPerCall.cockatiel, bare),
      'opossum/bare (per call)': ratio(nsPerCall.opossum, bare),
    },
    target: { overheadAtMostCockatiel: true, overheadNsBelow: 1000 },
    withinTarget: ours <= overheadNs.cockatiel && ours < 1000,
  };
}
