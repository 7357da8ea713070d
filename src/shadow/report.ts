/**
 * A shadow test's report: per endpoint and per field, how often the candidate's answer
 * differed from the primary's, with examples and the latency delta — after noise
 * cancellation in the manner of Diffy.
 *
 * Noise cancellation: besides (primary, candidate) pairs, the router can capture
 * (primary, second primary) pairs — the same request answered by two instances of the
 * primary version. A field that differs between two primaries is nondeterministic (a request
 * id, a timestamp); if it differs between primary and candidate about as often, the
 * candidate did not change it, and it is reported as `noise` instead of as a mismatch —
 * without anyone having to list it. A field that differs much more often for the candidate
 * than between the primaries (beyond rules.noiseThreshold) stays a real difference.
 */
import { differences, type FieldDifference, type Observation } from './diff';
import { generalizePath } from './paths';
import { compileRules, type CompareRules, type CompiledRules } from './rules';

export interface ComparedPair {
  /** Where the pair came from (the router's seq), for examples. */
  id?: number | string;
  /** `GET /orders/:id`, or an action name. */
  endpoint: string;
  primary: Observation;
  candidate: Observation;
}

export interface FieldExample {
  id?: number | string;
  field: string;
  primary: unknown;
  candidate: unknown;
  missing?: 'primary' | 'candidate';
}

export interface FieldReport {
  /** Array indices generalized: `$.items[*].price`. */
  field: string;
  /** Candidate pairs in which it differed, and the share of the endpoint's candidate pairs. */
  mismatches: number;
  rate: number;
  /** The same between the two primaries (null without noise pairs for the endpoint). */
  noiseMismatches: number;
  noiseRate: number | null;
  /** Nondeterministic: not counted as a mismatch. */
  noise: boolean;
  examples: FieldExample[];
}

export interface EndpointReport {
  endpoint: string;
  pairs: number;
  noisePairs: number;
  /** Candidate pairs with at least one difference that is not noise. */
  mismatches: number;
  mismatchRate: number;
  /** Candidate − primary latency, ms, over the candidate pairs (null without latencies). */
  latencyDeltaMs: { p50: number; p95: number } | null;
  fields: FieldReport[];
}

export interface ShadowReport {
  pairs: number;
  noisePairs: number;
  mismatches: number;
  /** mismatches / pairs (0 without pairs). */
  mismatchRate: number;
  /** Fields with real differences, as `<endpoint> <field>`. */
  differingFields: string[];
  /** Fields cancelled as noise, as `<endpoint> <field>`. */
  noiseFields: string[];
  endpoints: EndpointReport[];
  rules: {
    ignore: string[];
    headers: string[];
    compareStatus: boolean;
    numericTolerance: { absolute: number; relative: number };
    noiseThreshold: { absolute: number; relative: number };
  };
}

interface FieldTally {
  mismatches: number;
  noiseMismatches: number;
  examples: FieldExample[];
}

interface EndpointTally {
  pairs: Array<{ diffs: FieldDifference[]; primaryMs?: number; candidateMs?: number }>;
  noisePairs: number;
  fields: Map<string, FieldTally>;
}

/** Compares every pair; `noise` holds (primary, second primary) pairs. */
export function compareShadowPairs(
  pairs: readonly ComparedPair[],
  noise: readonly ComparedPair[] = [],
  rules: CompareRules | CompiledRules = {},
): ShadowReport {
  const compiled = 'noiseAbsolute' in rules ? rules : compileRules(rules);
  const endpoints = new Map<string, EndpointTally>();
  const tallyOf = (endpoint: string) => {
    let t = endpoints.get(endpoint);
    if (!t) endpoints.set(endpoint, (t = { pairs: [], noisePairs: 0, fields: new Map() }));
    return t;
  };
  const fieldOf = (t: EndpointTally, field: string) => {
    let f = t.fields.get(field);
    if (!f) t.fields.set(field, (f = { mismatches: 0, noiseMismatches: 0, examples: [] }));
    return f;
  };

  for (const pair of pairs) {
    const t = tallyOf(pair.endpoint);
    const diffs = differences(pair.primary, pair.candidate, compiled);
    t.pairs.push({ diffs, primaryMs: pair.primary.latencyMs, candidateMs: pair.candidate.latencyMs });
    for (const field of new Set(diffs.map((d) => generalizePath(d.field)))) {
      const f = fieldOf(t, field);
      f.mismatches++;
      if (f.examples.length < compiled.maxExamples) {
        const d = diffs.find((x) => generalizePath(x.field) === field)!;
        f.examples.push({
          ...(pair.id !== undefined ? { id: pair.id } : {}),
          field: d.field,
          primary: excerpt(d.primary),
          candidate: excerpt(d.candidate),
          ...(d.missing ? { missing: d.missing } : {}),
        });
      }
    }
  }
  for (const pair of noise) {
    const t = tallyOf(pair.endpoint);
    t.noisePairs++;
    for (const field of new Set(differences(pair.primary, pair.candidate, compiled).map((d) => generalizePath(d.field)))) fieldOf(t, field).noiseMismatches++;
  }

  const reports: EndpointReport[] = [];
  for (const [endpoint, t] of [...endpoints].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const n = t.pairs.length;
    const fields: FieldReport[] = [...t.fields].map(([field, f]) => {
      const rate = n > 0 ? f.mismatches / n : 0;
      const noiseRate = t.noisePairs > 0 ? f.noiseMismatches / t.noisePairs : null;
      const isNoise = noiseRate !== null && f.noiseMismatches > 0 && rate <= noiseRate * (1 + compiled.noiseRelative) + compiled.noiseAbsolute + 1e-9;
      return {
        field,
        mismatches: f.mismatches,
        rate: round(rate),
        noiseMismatches: f.noiseMismatches,
        noiseRate: noiseRate === null ? null : round(noiseRate),
        noise: isNoise,
        examples: f.examples,
      };
    });
    // Real differences first, most frequent first.
    fields.sort((a, b) => Number(a.noise) - Number(b.noise) || b.mismatches - a.mismatches || (a.field < b.field ? -1 : 1));
    const noiseFields = new Set(fields.filter((f) => f.noise).map((f) => f.field));
    const mismatches = t.pairs.filter((p) => p.diffs.some((d) => !noiseFields.has(generalizePath(d.field)))).length;
    reports.push({
      endpoint,
      pairs: n,
      noisePairs: t.noisePairs,
      mismatches,
      mismatchRate: n > 0 ? round(mismatches / n) : 0,
      latencyDeltaMs: latencyDelta(t.pairs),
      fields,
    });
  }

  const pairsTotal = reports.reduce((s, e) => s + e.pairs, 0);
  const mismatches = reports.reduce((s, e) => s + e.mismatches, 0);
  return {
    pairs: pairsTotal,
    noisePairs: noise.length,
    mismatches,
    mismatchRate: pairsTotal > 0 ? round(mismatches / pairsTotal) : 0,
    differingFields: reports.flatMap((e) => e.fields.filter((f) => !f.noise && f.mismatches > 0).map((f) => `${e.endpoint} ${f.field}`)),
    noiseFields: reports.flatMap((e) => e.fields.filter((f) => f.noise).map((f) => `${e.endpoint} ${f.field}`)),
    endpoints: reports,
    rules: {
      ignore: compiled.ignore.map((m) => m.pattern),
      headers: [...compiled.headers],
      compareStatus: compiled.compareStatus,
      numericTolerance: { absolute: compiled.absolute, relative: compiled.relative },
      noiseThreshold: { absolute: compiled.noiseAbsolute, relative: compiled.noiseRelative },
    },
  };
}

function latencyDelta(pairs: EndpointTally['pairs']): EndpointReport['latencyDeltaMs'] {
  const primary: number[] = [];
  const candidate: number[] = [];
  for (const p of pairs) {
    if (typeof p.primaryMs === 'number' && typeof p.candidateMs === 'number') {
      primary.push(p.primaryMs);
      candidate.push(p.candidateMs);
    }
  }
  if (primary.length === 0) return null;
  return { p50: round(quantile(candidate, 0.5) - quantile(primary, 0.5), 3), p95: round(quantile(candidate, 0.95) - quantile(primary, 0.95), 3) };
}

/** Nearest-rank quantile. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Examples land in workflow history: long values are cut. */
function excerpt(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…(${value.length} chars)` : value;
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}…(${text.length} chars)` : value;
  }
  return value;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
