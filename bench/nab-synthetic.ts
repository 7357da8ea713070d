/** Seeded synthetic data for the benchmark. */
import type { Mulberry32 } from '../src/predict/prng';

/** Two independent standard normals (Box-Muller). */
export function normalPair(prng: Mulberry32): [number, number] {
  const u = 1 - prng.next();
  const v = prng.next();
  const r = Math.sqrt(-2 * Math.log(u));
  return [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)];
}
