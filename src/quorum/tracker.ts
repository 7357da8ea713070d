/**
 * The quorum: collects signed verdicts and says whether a region is up or down.
 *
 * With n observers of which at most f are faulty (n >= 3f+1), a region is declared down
 * only when 2f+1 distinct, non-isolated observers each have a fresh, correctly signed
 * latest verdict saying so (and up likewise). Two such quorums share at least f+1
 * observers, one of them honest, so "down" and "up" can never both hold, and f liars alone
 * can never reach a quorum.
 *
 * Every verdict that does not count is rejected with a reason and counted: malformed,
 * unknown observer, isolated observer, wrong epoch, replayed (a seq already seen), stale or
 * from the future, forged (bad signature). Two validly signed, different verdicts from one
 * observer for the same (region, epoch, seq) are an equivocation: the pair is a proof anyone
 * can check with the observer's public key (verifyEquivocationProof), and the observer is
 * isolated for the rest of the run.
 *
 * Cheap checks come before the signature check, so junk costs no verification.
 */
import { verify } from 'node:crypto';
import { importPublicKey, type KeyRing, type VerifyMeter } from './keys';
import { canonicalBytes, checkVerdict, sameContent, verdictFields, type SignedVerdict } from './verdict';

export type Rejection =
  'malformed' | 'unknown-observer' | 'isolated' | 'stale-epoch' | 'future-epoch' | 'replayed' | 'stale' | 'future' | 'forged' | 'equivocation';
export const REJECTIONS: readonly Rejection[] = [
  'malformed',
  'unknown-observer',
  'isolated',
  'stale-epoch',
  'future-epoch',
  'replayed',
  'stale',
  'future',
  'forged',
  'equivocation',
];

export type IngestResult = { accepted: true } | { accepted: false; reason: Rejection; proof?: EquivocationProof };

export interface EquivocationProof {
  observerId: string;
  region: string;
  epoch: number;
  seq: number;
  /** The two conflicting verdicts, both signed by the observer. */
  first: SignedVerdict;
  second: SignedVerdict;
  /** The observer's public key (base64 SPKI) the signatures verify under. */
  publicKey: string;
  detectedAt: string;
}

export interface QuorumOptions {
  /** Faulty observers tolerated (default: the most n allows, floor((n-1)/3)). */
  f?: number;
  /** A verdict counts for this long after it was observed (default 400 ms: longer than a probe timeout plus a period). */
  freshnessMs?: number;
  /** Verdicts claiming a time further ahead than this are rejected (default 100 ms). */
  maxFutureSkewMs?: number;
  /** Recent (observer, region, epoch, seq) entries kept for equivocation checks (default 4096). */
  seenLimit?: number;
}

export type RegionState = 'up' | 'down' | 'undecided' | 'no-quorum';

export interface RegionDecision {
  region: string;
  state: RegionState;
  epoch: number;
  /** Fresh verdicts of non-isolated observers, by what they say. */
  up: number;
  down: number;
  /** Observers with no fresh verdict (silent, slow, or only stale/rejected ones). */
  silent: number;
  quorum: number;
  isolated: string[];
  /** For up/down: the fresh signed verdicts that form the quorum (evidence). */
  verdicts: SignedVerdict[];
  /**
   * The (f+1)-th largest lag among fresh healthy verdicts: at least one honest observer
   * reported a lag at least this large, and one at most this large, so f liars can move it
   * only within the honest range. Null when fewer than f+1 observers reported a lag.
   */
  lagBytes: number | null;
}

const key = (...parts: (string | number)[]) => parts.join('\u0000');

export class QuorumTracker {
  readonly n: number;
  readonly f: number;
  readonly quorum: number;
  private readonly freshnessMs: number;
  private readonly maxFutureSkewMs: number;
  private readonly seenLimit: number;
  private epochValue = 0;
  private readonly latest = new Map<string, SignedVerdict>();
  private readonly lastSeq = new Map<string, number>();
  private readonly seen = new Map<string, SignedVerdict>();
  private readonly isolatedBy = new Map<string, EquivocationProof>();
  readonly proofs: EquivocationProof[] = [];
  readonly counts: Record<'accepted' | Rejection, number> = Object.fromEntries([['accepted', 0], ...REJECTIONS.map((r) => [r, 0])]) as Record<
    'accepted' | Rejection,
    number
  >;

  constructor(
    readonly ring: KeyRing,
    options: QuorumOptions = {},
  ) {
    this.n = ring.ids().length;
    this.f = options.f ?? Math.floor((this.n - 1) / 3);
    if (!Number.isInteger(this.f) || this.f < 0) throw new Error(`f must be a non-negative integer, not ${options.f}`);
    if (this.n < 3 * this.f + 1) throw new Error(`${this.n} observers cannot tolerate f=${this.f} faulty ones: n must be at least 3f+1 = ${3 * this.f + 1}`);
    this.quorum = 2 * this.f + 1;
    this.freshnessMs = options.freshnessMs ?? 400;
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 100;
    this.seenLimit = options.seenLimit ?? 4096;
  }

  get epoch(): number {
    return this.epochValue;
  }

  /** A new topology (after a failover): verdicts about the old one no longer count. */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < this.epochValue) throw new Error(`the epoch only grows: ${epoch} after ${this.epochValue}`);
    if (epoch === this.epochValue) return;
    this.epochValue = epoch;
    this.latest.clear();
  }

  get meter(): VerifyMeter {
    return this.ring.meter;
  }

  isolated(): string[] {
    return [...this.isolatedBy.keys()];
  }

  /** Takes one verdict off the wire; says whether it counts and, if not, why. */
  ingest(input: unknown, now = Date.now()): IngestResult {
    const reject = (reason: Rejection, proof?: EquivocationProof): IngestResult => {
      this.counts[reason] += 1;
      return proof ? { accepted: false, reason, proof } : { accepted: false, reason };
    };
    try {
      checkVerdict(input);
    } catch {
      return reject('malformed');
    }
    const v = input as SignedVerdict;
    if (typeof v.signature !== 'string') return reject('malformed');
    if (!this.ring.has(v.observerId)) return reject('unknown-observer');
    if (this.isolatedBy.has(v.observerId)) return reject('isolated');

    const slot = key(v.observerId, v.region, v.epoch, v.seq);
    const earlier = this.seen.get(slot);
    if (earlier) {
      if (earlier.signature === v.signature && sameContent(earlier, v)) return reject('replayed');
      if (!this.ring.verify(v)) return reject('forged');
      if (sameContent(earlier, v)) return reject('replayed');
      return reject('equivocation', this.isolate(earlier, v, now));
    }
    if (v.epoch < this.epochValue) return reject('stale-epoch');
    if (v.epoch > this.epochValue) return reject('future-epoch');
    const seqKey = key(v.observerId, v.region);
    if (v.seq <= (this.lastSeq.get(seqKey) ?? -1)) return reject('replayed');
    if (now - v.observedAt > this.freshnessMs) return reject('stale');
    if (v.observedAt - now > this.maxFutureSkewMs) return reject('future');
    if (!this.ring.verify(v)) return reject('forged');

    const kept: SignedVerdict = { ...verdictFields(v), signature: v.signature };
    this.seen.set(slot, kept);
    if (this.seen.size > this.seenLimit) this.seen.delete(this.seen.keys().next().value as string);
    this.lastSeq.set(seqKey, v.seq);
    this.latest.set(seqKey, kept);
    this.counts.accepted += 1;
    return { accepted: true };
  }

  private isolate(first: SignedVerdict, second: SignedVerdict, now: number): EquivocationProof {
    const proof: EquivocationProof = {
      observerId: first.observerId,
      region: first.region,
      epoch: first.epoch,
      seq: first.seq,
      first,
      second: { ...verdictFields(second), signature: second.signature },
      publicKey: this.ring.publicKeys()[first.observerId],
      detectedAt: new Date(now).toISOString(),
    };
    this.isolatedBy.set(first.observerId, proof);
    this.proofs.push(proof);
    for (const k of [...this.latest.keys()]) if (k.startsWith(first.observerId + '\u0000')) this.latest.delete(k);
    return proof;
  }

  /** What the quorum says about a region now. */
  decide(region: string, now = Date.now()): RegionDecision {
    const active = this.ring.ids().filter((id) => !this.isolatedBy.has(id));
    const fresh = active
      .map((id) => this.latest.get(key(id, region)))
      .filter((v): v is SignedVerdict => v !== undefined && v.epoch === this.epochValue && now - v.observedAt <= this.freshnessMs);
    const down = fresh.filter((v) => !v.healthy);
    const up = fresh.filter((v) => v.healthy);
    const state: RegionState = active.length < this.quorum ? 'no-quorum' : down.length >= this.quorum ? 'down' : up.length >= this.quorum ? 'up' : 'undecided';
    const lags = up
      .map((v) => v.lagBytes)
      .filter((x): x is number => x !== null)
      .sort((a, b) => b - a);
    return {
      region,
      state,
      epoch: this.epochValue,
      up: up.length,
      down: down.length,
      silent: active.length - fresh.length,
      quorum: this.quorum,
      isolated: this.isolated(),
      verdicts: state === 'down' ? down : state === 'up' ? up : [],
      lagBytes: lags.length > this.f ? lags[this.f] : null,
    };
  }
}

/** Checks an equivocation proof with nothing but the proof: two different verdicts for one slot, both signed by the key it names. */
export function verifyEquivocationProof(proof: EquivocationProof, expectedPublicKey?: string): boolean {
  try {
    const { first, second } = proof;
    if (expectedPublicKey !== undefined && expectedPublicKey !== proof.publicKey) return false;
    for (const v of [first, second]) {
      if (v.observerId !== proof.observerId || v.region !== proof.region || v.epoch !== proof.epoch || v.seq !== proof.seq) return false;
    }
    if (sameContent(first, second)) return false;
    const publicKey = importPublicKey(proof.publicKey);
    return [first, second].every((v) => verify(null, canonicalBytes(v), publicKey, Buffer.from(v.signature, 'base64')));
  } catch {
    return false;
  }
}
