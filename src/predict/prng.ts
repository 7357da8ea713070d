/**
 * mulberry32: a tiny seeded PRNG (Tommy Ettinger's, public domain) with a single 32-bit
 * state. Everything random in a model (isolation-tree splits, subsamples) draws from one of
 * these, so the same seed gives the same model, and the state is one number to serialize.
 * Not for cryptography; quality is ample for sampling.
 */
export class Mulberry32 {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** The state to restore from: `new Mulberry32(prng.state)` continues the same sequence. */
  get state(): number {
    return this.s;
  }
}
