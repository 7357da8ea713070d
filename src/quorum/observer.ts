/**
 * An honest observer: probes a region, signs what it saw with its own key, numbers its
 * verdicts per region (seq), and stamps the epoch it was told. `observe` returns the
 * messages it puts on the wire; the adversaries in adversaries.ts return other messages.
 */
import type { ObserverKey } from './keys';
import type { Probe, ProbeResult } from './probe';
import type { SignedVerdict } from './verdict';

/** Anything that takes part in a quorum round: honest or not, it only puts messages on the wire. */
export interface Participant {
  readonly id: string;
  /** One round about one region: the messages this participant sends (honest: one signed verdict). */
  observe(region: string, epoch: number, signal: AbortSignal): Promise<unknown[]>;
  /** Everything anyone put on the wire, for adversaries that listen (honest observers ignore it). */
  overhear?(message: unknown): void;
}

export class Observer implements Participant {
  private readonly seqs = new Map<string, number>();
  /** The last probe result per region (for the evidence: why this observer said down). */
  readonly lastProbe = new Map<string, ProbeResult>();

  constructor(
    readonly key: ObserverKey,
    private readonly probe: Probe,
  ) {}

  get id(): string {
    return this.key.observerId;
  }

  nextSeq(region: string): number {
    const seq = (this.seqs.get(region) ?? -1) + 1;
    this.seqs.set(region, seq);
    return seq;
  }

  async observe(region: string, epoch: number, signal: AbortSignal): Promise<SignedVerdict[]> {
    const result = await this.probe(region, signal);
    this.lastProbe.set(region, result);
    return [
      this.key.sign({
        observerId: this.id,
        region,
        epoch,
        seq: this.nextSeq(region),
        healthy: result.healthy,
        lagBytes: result.lagBytes,
        observedAt: Date.now(),
      }),
    ];
  }
}
