/**
 * The last N shadow pairs — a mirrored request with the primary's and the shadow's
 * responses — for comparison by shadow-test runbooks. A fixed-capacity ring: the oldest
 * pair is overwritten, so memory is capacity × (3 body excerpts + headers) at most.
 */

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** UTF-8 text of the first excerptBytes of the body. */
  body: string;
  bodyBytes: number;
  truncated: boolean;
}

export interface CapturedResponse {
  pool: string;
  /** null when no response came (connection error, timeout, injected abort). */
  status: number | null;
  headers: Record<string, string | string[]>;
  body: string;
  bodyBytes: number;
  truncated: boolean;
  latencyMs: number;
  /** Why there was no (complete) response: connect, timeout, aborted, upstream. */
  error?: string;
}

export interface ShadowPair {
  /** Increasing from 1 for the router's lifetime: read incrementally with ?since=. */
  seq: number;
  at: string;
  route: string;
  /** Pairs of one request mirrored to several pools share it (their primary is the same response). */
  group?: number;
  request: CapturedRequest;
  primary: CapturedResponse;
  shadow: CapturedResponse;
}

export interface ShadowRingStats {
  capacity: number;
  size: number;
  /** Pairs captured since start (or since the last clear). */
  captured: number;
  /** Pairs overwritten before anyone read them out. */
  overwritten: number;
  /** seq of the newest pair (0 when none yet). */
  lastSeq: number;
}

export class ShadowRing {
  private slots: Array<ShadowPair | undefined>;
  private head = 0; // next write position
  private size = 0;
  private seq = 0;
  private captured = 0;
  private overwritten = 0;

  constructor(private capacity: number) {
    this.slots = new Array(capacity);
  }

  /** Whether a pair would be kept at all; when not, the proxy does not capture bodies. */
  get enabled(): boolean {
    return this.capacity > 0;
  }

  push(pair: Omit<ShadowPair, 'seq'>): void {
    if (this.capacity === 0) return;
    if (this.size === this.capacity) this.overwritten++;
    else this.size++;
    this.slots[this.head] = { seq: ++this.seq, ...pair };
    this.head = (this.head + 1) % this.capacity;
    this.captured++;
  }

  /** Oldest first; with `since`, only pairs whose seq is greater; with `limit`, the newest `limit` of those. */
  list(options: { limit?: number; since?: number } = {}): ShadowPair[] {
    const out: ShadowPair[] = [];
    for (let i = 0; i < this.size; i++) {
      const pair = this.slots[(this.head - this.size + i + this.capacity) % this.capacity]!;
      if (options.since === undefined || pair.seq > options.since) out.push(pair);
    }
    return options.limit !== undefined && out.length > options.limit ? out.slice(out.length - options.limit) : out;
  }

  clear(): void {
    this.slots = new Array(this.capacity);
    this.head = 0;
    this.size = 0;
    this.captured = 0;
    this.overwritten = 0;
  }

  /** A new capacity keeps the newest pairs that fit. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    const kept = capacity > 0 ? this.list({ limit: capacity }) : [];
    this.capacity = capacity;
    this.slots = new Array(capacity);
    kept.forEach((pair, i) => {
      this.slots[i] = pair;
    });
    this.size = kept.length;
    this.head = capacity > 0 ? kept.length % capacity : 0;
  }

  stats(): ShadowRingStats {
    return { capacity: this.capacity, size: this.size, captured: this.captured, overwritten: this.overwritten, lastSeq: this.seq };
  }
}
