/** "Did you mean ...?" for typos in field names, step ids, actions and parameters. Pure. */

/** Damerau–Levenshtein distance (optimal string alignment): a swap of two letters costs 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The closest candidate, if it is close enough to be a plausible typo: at most a third of
 * the word's letters wrong (at least 1, or 2 for words of 5+ letters), or up to half when
 * the first three letters agree ("retires" → "retry"). Case differences are free.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const strict = Math.max(lower.length >= 5 ? 2 : 1, Math.floor(lower.length / 3));
  const loose = Math.ceil(lower.length / 2);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const limit = lower.length >= 4 && other.slice(0, 3) === lower.slice(0, 3) ? loose : strict;
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** " (did you mean 'x'?)" or "", ready to append to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}

/** A readable list for hints: "a, b, c". */
export function listOf(items: Iterable<string>): string {
  return [...items].join(', ');
}
