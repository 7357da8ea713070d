/** `--param k=v` pairs to an object; values stay strings for the validator to convert by declared type, unless written as JSON objects/arrays. */
import { UsageError } from './output';

export function parseParamPairs(pairs: string[] = []): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${pair}: write it as name=value`);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    params[name] = /^\s*[[{]/.test(raw) ? parseJson(name, raw) : raw;
  }
  return params;
}

function parseJson(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new UsageError(`--param ${name}: looks like JSON but does not parse (${(err as Error).message})`);
  }
}
