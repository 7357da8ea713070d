/** Seeded synthetic series for the detector tests: every run sees the same numbers. */
import { Mulberry32 } from '../../../src/predict/prng';

export function gaussian(prng: Mulberry32): number {
  const u = 1 - prng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * prng.next());
}

export function noise(length: number, seed: number, level = 100, sigma = 1): number[] {
  const prng = new Mulberry32(seed);
  return Array.from({ length }, () => level + sigma * gaussian(prng));
}

/** A sine season of `period` rows plus noise. */
export function seasonal(length: number, period: number, seed: number, amplitude = 20, sigma = 1): number[] {
  const prng = new Mulberry32(seed);
  return Array.from({ length }, (_, i) => 100 + amplitude * Math.sin((2 * Math.PI * i) / period) + sigma * gaussian(prng));
}

/** Index of the highest value in `xs[from..to)`. */
export function argmax(xs: readonly number[], from = 0, to = xs.length): number {
  let best = from;
  for (let i = from; i < to; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
