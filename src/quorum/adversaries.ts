/**
 * Malicious observers, for tests and the demo: each is one kind of Byzantine behaviour the
 * quorum must survive. They hold a real key registered in the key ring (they are insiders),
 * and they hear every message on the wire (overhear), like an attacker on the network.
 *
 * - always-down: signs "down" about every region, correctly. Undetectable as a liar; the
 *   quorum survives it because one voice is never 2f+1.
 * - equivocating: signs both "up" and "down" for the same seq (telling different listeners
 *   different things). Detectable: the pair is a proof, and the observer is isolated.
 * - replaying: re-sends old, correctly signed verdicts (its own and others'), e.g. the
 *   "down" verdicts of a past incident, instead of fresh ones.
 * - forging: makes verdicts in other observers' names (signed with its own key, with random
 *   bytes, or by flipping a captured verdict's `healthy` and keeping the signature).
 */
import { randomBytes } from 'node:crypto';
import type { ObserverKey } from './keys';
import type { Participant } from './observer';
import type { SignedVerdict } from './verdict';

export type AdversaryKind = 'always-down' | 'equivocating' | 'replaying' | 'forging';
export const ADVERSARY_KINDS: readonly AdversaryKind[] = ['always-down', 'equivocating', 'replaying', 'forging'];

abstract class Adversary implements Participant {
  protected readonly seqs = new Map<string, number>();
  protected readonly heard: SignedVerdict[] = [];

  constructor(
    readonly key: ObserverKey,
    readonly kind: AdversaryKind,
  ) {}

  get id(): string {
    return this.key.observerId;
  }

  protected nextSeq(region: string): number {
    const seq = (this.seqs.get(region) ?? -1) + 1;
    this.seqs.set(region, seq);
    return seq;
  }

  protected sign(region: string, epoch: number, healthy: boolean, seq = this.nextSeq(region)): SignedVerdict {
    return this.key.sign({ observerId: this.id, region, epoch, seq, healthy, lagBytes: null, observedAt: Date.now() });
  }

  overhear(message: unknown): void {
    const v = message as SignedVerdict;
    if (v && typeof v === 'object' && typeof v.signature === 'string') {
      this.heard.push(v);
      if (this.heard.length > 2000) this.heard.splice(0, 1000);
    }
  }

  abstract observe(region: string, epoch: number, signal: AbortSignal): Promise<unknown[]>;
}

class AlwaysDown extends Adversary {
  async observe(region: string, epoch: number): Promise<unknown[]> {
    return [this.sign(region, epoch, false)];
  }
}

class Equivocating extends Adversary {
  async observe(region: string, epoch: number): Promise<unknown[]> {
    const seq = this.nextSeq(region);
    const pair = [this.sign(region, epoch, true, seq), this.sign(region, epoch, false, seq)];
    return Math.random() < 0.5 ? pair : pair.reverse();
  }
}

class Replaying extends Adversary {
  private readonly own: SignedVerdict[] = [];

  async observe(region: string, epoch: number): Promise<unknown[]> {
    // Its first-ever verdicts (a "down" it signed while things were fine), then replays of them and of what it heard.
    if (this.own.filter((v) => v.region === region).length < 3) {
      const v = this.sign(region, epoch, false);
      this.own.push(v);
      return [v];
    }
    const old = [...this.own.filter((v) => v.region === region), ...this.heard.filter((v) => v.region === region && v.observerId !== this.id)];
    const picks = Array.from({ length: 3 }, () => old[Math.floor(Math.random() * old.length)]).filter(Boolean);
    // Replays of others' verdicts with "healthy" flipped would be forgeries; a replay sends them as they were, and the down ones first.
    return picks.sort((a, b) => Number(a.healthy) - Number(b.healthy));
  }
}

class Forging extends Adversary {
  async observe(region: string, epoch: number): Promise<unknown[]> {
    const others = [...new Set(this.heard.map((v) => v.observerId))].filter((id) => id !== this.id);
    const out: unknown[] = [];
    const latest = new Map<string, SignedVerdict>();
    for (const v of this.heard) if (v.region === region) latest.set(v.observerId, v);
    for (const id of others) {
      const seen = latest.get(id);
      const seq = (seen?.seq ?? 0) + 1000;
      const fake = { observerId: id, region, epoch, seq, healthy: false, lagBytes: null, observedAt: Date.now() };
      // In another's name, signed with its own key: a valid signature by the wrong key.
      out.push({ ...fake, signature: this.key.sign({ ...fake, observerId: this.id }).signature });
      // Random bytes of the right length.
      out.push({ ...fake, seq: seq + 1, signature: randomBytes(64).toString('base64') });
      // A captured honest verdict with "healthy" flipped and a fresh time, the original signature kept.
      if (seen) out.push({ ...seen, healthy: !seen.healthy, seq: seen.seq + 1, observedAt: Date.now() });
    }
    return out;
  }
}

export function adversary(kind: AdversaryKind, key: ObserverKey): Participant & { kind: AdversaryKind } {
  switch (kind) {
    case 'always-down':
      return new AlwaysDown(key, kind);
    case 'equivocating':
      return new Equivocating(key, kind);
    case 'replaying':
      return new Replaying(key, kind);
    case 'forging':
      return new Forging(key, kind);
    default:
      throw new Error(`unknown adversary ${JSON.stringify(kind)}; one of ${ADVERSARY_KINDS.join(', ')}`);
  }
}
