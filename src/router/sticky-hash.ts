/**
 * Sticky routing by consistent hashing: weighted rendezvous hashing (highest random weight).
 * A key (a header or cookie value) always lands on the same pool while the weights stay the
 * same, and when weights move, only the keys that must move do: raising the canary's share
 * from 10% to 20% moves about 10% of the keys from stable to canary and none the other way.
 * That is what a canary rollout wants from stickiness: a user who saw the new version keeps
 * seeing it as the rollout proceeds.
 */

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser to spread short, similar keys. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** murmur3's fmix32: every input bit affects every output bit. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface HashCandidate {
  /** hashString(pool name): fixed per pool, so a pool's scores do not depend on the others. */
  nameHash: number;
  weight: number;
}

/**
 * The index of the candidate `key` belongs to: the one with the smallest -ln(u)/weight, where
 * u is the key's uniform hash for that candidate. P(candidate i wins) = weight_i / Σ weights.
 * Candidates with weight 0 never win; returns -1 when none has a positive weight.
 */
export function rendezvousPick(key: string, candidates: readonly HashCandidate[]): number {
  const keyHash = hashString(key);
  let best = -1;
  let bestScore = Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (!(c.weight > 0)) continue;
    const u = (mix32(keyHash ^ c.nameHash) + 0.5) / 4294967296;
    const score = -Math.log(u) / c.weight;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
