/** Human durations (`500ms`, `30s`, `5m`, `1h30m`, `2d`) to milliseconds. Pure: used by workflows. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export function isDuration(text: string): boolean {
  return WHOLE.test(text.trim());
}

/** Milliseconds in `text`; throws a message that says what a duration looks like. */
export function parseDuration(text: string): number {
  const trimmed = String(text).trim();
  if (!WHOLE.test(trimmed)) {
    throw new Error(`"${text}" is not a duration; write e.g. 500ms, 30s, 5m, 1h or 1h30m`);
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}

/** The inverse, for messages and tables: 90_000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
