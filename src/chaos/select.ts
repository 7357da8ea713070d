/**
 * Blast radius: which of the candidate targets a fault hits — `all`, `count(n)` or
 * `percent(p)` (rounded up, at least one). The choice is a seeded shuffle, so a retried
 * attempt of the same step picks the same targets and the history says which ones. Pure.
 */
import { createHash } from 'node:crypto';

export function selectTargets(from: readonly string[], select: string | undefined, seed: string): string[] {
  const unique = [...new Set(from)];
  const spec = select ?? 'all';
  if (spec === 'all') return unique;
  const m = /^(count|percent)\((\d+(?:\.\d+)?)\)$/.exec(spec);
  if (!m) throw new Error(`select ${JSON.stringify(spec)} is not all, count(n) or percent(p)`);
  const amount = Number(m[2]);
  const n = m[1] === 'count' ? Math.min(unique.length, Math.floor(amount)) : Math.min(unique.length, Math.max(1, Math.ceil((unique.length * amount) / 100)));
  const ranked = unique.map((t) => ({ t, rank: createHash('sha256').update(`${seed}\0${t}`).digest('hex') }));
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  return ranked
    .slice(0, n)
    .map((r) => r.t)
    .sort((a, b) => unique.indexOf(a) - unique.indexOf(b));
}
