/**
 * The "network" between observers and the quorum, in one process: every message a
 * participant sends is offered to the tracker and overheard by every participant (so
 * adversaries can replay and forge what they hear). Two ways to drive it:
 *
 * - round(): every participant observes every region once, concurrently (fast trials);
 * - run(): each (participant, region) pair probes on its own jittered period (25–50 ms by
 *   default) until stopped, delivering as verdicts arrive, and calls back after each one so
 *   the caller can re-evaluate the quorum at once.
 */
import type { Participant } from './observer';
import type { IngestResult, QuorumTracker } from './tracker';

export interface WireOptions {
  /** Probe period bounds per (observer, region); each wait is drawn uniformly in between (default 25–50 ms). */
  minPeriodMs?: number;
  maxPeriodMs?: number;
}

export class Wire {
  constructor(
    readonly tracker: QuorumTracker,
    readonly participants: Participant[],
    private readonly options: WireOptions = {},
  ) {}

  deliver(messages: unknown[], now = Date.now()): IngestResult[] {
    const results = messages.map((m) => this.tracker.ingest(m, now));
    for (const m of messages) for (const p of this.participants) p.overhear?.(m);
    return results;
  }

  /** One observation of each region by each participant, all at once; resolves when all are delivered. */
  async round(regions: string[], signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.participants.flatMap((p) =>
        regions.map(async (region) => {
          const messages = await p.observe(region, this.tracker.epoch, signal).catch(() => []);
          if (!signal.aborted) this.deliver(messages);
        }),
      ),
    );
  }

  /** Probes continuously until signal aborts; onDelivery runs after each participant's messages are in. */
  async run(
    regions: () => string[],
    signal: AbortSignal,
    onDelivery: (region: string, participant: Participant, results: IngestResult[], messages: unknown[]) => void,
  ): Promise<void> {
    const min = this.options.minPeriodMs ?? 25;
    const max = Math.max(min, this.options.maxPeriodMs ?? 50);
    const loops = new Map<string, Promise<void>>();
    const loop = async (p: Participant, region: string) => {
      while (!signal.aborted && regions().includes(region)) {
        const started = Date.now();
        let messages: unknown[] = [];
        try {
          messages = await p.observe(region, this.tracker.epoch, signal);
        } catch {
          messages = [];
        }
        if (signal.aborted) return;
        onDelivery(region, p, this.deliver(messages), messages);
        await pause(Math.max(0, min + Math.random() * (max - min) - (Date.now() - started)), signal);
      }
    };
    const start = () => {
      for (const region of regions())
        for (const p of this.participants) {
          const k = `${p.id}\u0000${region}`;
          if (!loops.has(k))
            loops.set(
              k,
              loop(p, region).finally(() => loops.delete(k)),
            );
        }
    };
    // Regions may be added (a rejoined standby): look for new pairs now and then.
    start();
    while (!signal.aborted) {
      await pause(250, signal);
      start();
    }
    await Promise.all(loops.values());
  }
}

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
