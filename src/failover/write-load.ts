/**
 * A steady writer for failover tests and the bench: POSTs /write with an increasing `seq`
 * (one request in flight, `intervalMs` apart) and remembers which seqs were acknowledged
 * and when. After a failover, `missingAcknowledged` lists acknowledged writes the new
 * primary does not have (the RPO in writes: zero is the synchronous-mode promise), and
 * `gapAround(t)` is the write RTO: the longest stall between acknowledgements from `t` on.
 */
import { httpRequest } from '../http/client';
import type { ResolvedNode } from './node-spec';
import { WRITES_TABLE } from './region-app';
import { withNode } from './sql';

export interface Ack {
  seq: number;
  /** Epoch ms when the acknowledgement arrived. */
  at: number;
  region: string;
}

export interface WriteLoadReport {
  sent: number;
  acknowledged: number;
  failed: number;
  /** Acknowledgements in order. */
  acks: Ack[];
  /** Failures by message (first 100 characters), counted. */
  errors: Record<string, number>;
}

export class WriteLoad {
  private seq = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  readonly acks: Ack[] = [];
  private failed = 0;
  private readonly errors: Record<string, number> = {};

  constructor(private readonly options: { url: string; intervalMs?: number; timeoutMs?: number; firstSeq?: number }) {
    this.seq = (options.firstSeq ?? 1) - 1;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    this.loop = this.run();
    return this;
  }

  private async run(): Promise<void> {
    const url = `${this.options.url.replace(/\/+$/, '')}/write`;
    while (this.running) {
      const seq = ++this.seq;
      try {
        const r = await httpRequest({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ seq }),
          timeoutMs: this.options.timeoutMs ?? 3_000,
          breakers: false,
        });
        if (r.status === 200) {
          const body = JSON.parse(r.body) as { seq: number; region: string };
          if (body.seq !== seq) throw new Error(`acknowledged seq ${body.seq} for ${seq}`);
          this.acks.push({ seq, at: Date.now(), region: body.region });
        } else {
          this.fail(`HTTP ${r.status}: ${r.body}`);
        }
      } catch (error) {
        this.fail((error as Error).message);
      }
      if (this.options.intervalMs) await new Promise((r) => setTimeout(r, this.options.intervalMs));
    }
  }

  private fail(message: string): void {
    this.failed += 1;
    const key = message.slice(0, 100);
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  /** Seqs sent so far (acknowledged or not). */
  get sent(): number {
    return this.seq - ((this.options.firstSeq ?? 1) - 1);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Resolves once `n` more writes have been acknowledged after the call (or rejects after `timeoutMs`). */
  async waitForAcks(n: number, timeoutMs = 10_000): Promise<void> {
    const target = this.acks.length + n;
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < target) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.acks.length - target + n} of ${n} writes acknowledged in ${timeoutMs} ms; errors: ${JSON.stringify(this.errors)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<WriteLoadReport> {
    this.running = false;
    await this.loop;
    return { sent: this.sent, acknowledged: this.acks.length, failed: this.failed, acks: [...this.acks], errors: { ...this.errors } };
  }

  /**
   * The write RTO around a fault at `t`: the longest stall between two consecutive
   * acknowledgements from the last one before `t` on. Not simply "the first ack after `t`":
   * a write already in flight when the fault struck can still be acknowledged by the dying
   * primary a few ms later (seen in CI: 18 ms against a 19.7 s Patroni leader change).
   */
  gapAround(t: number): { lastBefore?: Ack; firstAfter?: Ack; gapMs?: number } {
    let start = -1;
    for (let i = 0; i < this.acks.length && this.acks[i]!.at <= t; i++) start = i;
    if (start < 0) {
      const firstAfter = this.acks.find((a) => a.at > t);
      return firstAfter ? { firstAfter } : {};
    }
    let best: { lastBefore: Ack; firstAfter?: Ack; gapMs?: number } = { lastBefore: this.acks[start]! };
    for (; start + 1 < this.acks.length; start++) {
      const [a, b] = [this.acks[start]!, this.acks[start + 1]!];
      if (best.gapMs === undefined || b.at - a.at > best.gapMs) best = { lastBefore: a, firstAfter: b, gapMs: b.at - a.at };
    }
    return best;
  }
}

/** Acknowledged seqs that `node` (the surviving primary) does not have: acknowledged writes lost. */
export async function missingAcknowledged(node: ResolvedNode, acks: ReadonlyArray<{ seq: number }>): Promise<number[]> {
  // The acknowledgements as of now: a live load keeps appending to the array while we query.
  const seqs = acks.map((a) => a.seq);
  if (seqs.length === 0) return [];
  const present = await withNode(node, (s) => s.query(`SELECT DISTINCT seq FROM ${WRITES_TABLE} WHERE seq = ANY($1::bigint[])`, [seqs]), 30_000);
  const have = new Set(present.map((r) => Number(r.seq)));
  return seqs.filter((s) => !have.has(s));
}
