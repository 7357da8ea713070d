/**
 * `shadow.*`: shadow testing.
 *
 * - `shadow.compare` reads the pairs the router captured while mirroring (traffic.shadowPairs)
 *   and compares primary and shadow answers under the rules (ignored paths, numeric
 *   tolerance, header allowlist, status), cancelling noise with the pairs of a second
 *   primary when the route also mirrors to one (src/shadow/report.ts).
 * - `shadow.compareActions` is the function-based shadow test: two registered actions called
 *   with the same input, their outputs compared under the same rules.
 *
 * Only the report goes into history (counts, rates, a few cut examples), never the pairs.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ApplicationFailure } from '@temporalio/activity';
import { defineAction, type ActionDefinition } from './action';
import { admin } from './traffic';
import { Duration } from '../src/dsl/types';
import type { ShadowPair } from '../src/router/shadow-ring';
import { compareShadowPairs, compileRules, splitRouterPairs, type ComparedPair, type CompareRules, type Observation, type ShadowReport } from '../src/shadow';

const Rules = {
  ignore: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'Never compared: $.requestId, $..timestamp, $.items[*].id, status, header:<name>' }),
  ),
  numericTolerance: Type.Optional(
    Type.Object(
      { absolute: Type.Optional(Type.Number({ minimum: 0 })), relative: Type.Optional(Type.Number({ minimum: 0 })) },
      { additionalProperties: false },
    ),
  ),
  headers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Response headers to compare (default none)' })),
  compareStatus: Type.Optional(Type.Boolean({ description: 'Compare status codes (default true)' })),
  maxExamples: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'Examples per field (default 3)' })),
  noiseThreshold: Type.Optional(
    Type.Object(
      { absolute: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })), relative: Type.Optional(Type.Number({ minimum: 0 })) },
      {
        additionalProperties: false,
        description:
          'A field the two primaries differ in is noise when the candidate differs in it at most (1 + relative) × as often, + absolute; default relative 1, absolute 0.1',
      },
    ),
  ),
  maxMismatchRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'passed is false above this share of mismatching pairs (default 0)' })),
};

type RuleArgs = { [K in keyof typeof Rules]?: Static<(typeof Rules)[K]> };

export interface ShadowVerdict extends ShadowReport {
  passed: boolean;
  /** Why it did not pass (empty when it did). */
  reasons: string[];
  maxMismatchRate: number;
}

export const compare = defineAction({
  name: 'shadow.compare',
  description:
    "Compares the router's shadow pairs (primary vs shadow) per endpoint and field, cancelling noise with a second primary's pairs; passed when the mismatch rate is at most maxMismatchRate.",
  args: Type.Object(
    {
      route: Type.Optional(Type.String({ minLength: 1, description: 'Only pairs of this route' })),
      // null is "none", so a runbook can pass an optional parameter straight through.
      candidatePool: Type.Optional(
        Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          description: 'Only pairs answered by this shadow pool are candidate pairs (default: all but the noise pool)',
        }),
      ),
      noisePool: Type.Optional(
        Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'The second primary: its pairs cancel nondeterministic fields (null: none)' }),
      ),
      minPairs: Type.Optional(Type.Integer({ minimum: 0, description: 'Fewer candidate pairs do not pass (default 1)' })),
      maxPairs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'The newest N pairs are read (default 1000)' })),
      clear: Type.Optional(Type.Boolean({ description: 'Empty the ring as the pairs are read' })),
      ...Rules,
      adminUrl: Type.Optional(Type.String({ minLength: 1, description: 'Router admin API base URL (default $GENIE_ROUTER_ADMIN_URL)' })),
      timeout: Type.Optional(Duration),
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '60s', retry: { maxAttempts: 3, initialInterval: '1s', backoff: 2, maxInterval: '5s' } },
  run: async (a): Promise<ShadowVerdict & { skippedPairs: number }> => {
    const rules = checkedRules(a);
    const query = new URLSearchParams({ limit: String(a.maxPairs ?? 1000) });
    if (a.clear) query.set('clear', 'true');
    const read = await admin<{ pairs: ShadowPair[] }>(a, 'GET', `/shadow/pairs?${query}`);
    const split = splitRouterPairs(read.pairs, { route: a.route, candidatePool: a.candidatePool ?? undefined, noisePool: a.noisePool ?? undefined });
    return { ...verdict(compareShadowPairs(split.candidates, split.noise, rules), a.minPairs ?? 1, a.maxMismatchRate ?? 0), skippedPairs: split.skipped };
  },
});

const Call = Type.Object(
  {
    action: Type.String({ pattern: '^[a-z][a-zA-Z0-9]*\\.[a-z][a-zA-Z0-9]*$', description: 'A registered action, e.g. http.request' }),
    with: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const compareActions = defineAction({
  name: 'shadow.compareActions',
  description:
    'Function-based shadow test: calls two registered actions with the same input (candidate.with defaults to primary.with) and compares their outputs under the shadow rules; noise: true also calls the primary twice to cancel nondeterministic fields.',
  args: Type.Object(
    {
      primary: Call,
      candidate: Call,
      times: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Calls of each (default 1)' })),
      noise: Type.Optional(
        Type.Boolean({ description: 'Call the primary a second time each round; fields that differ between its two outputs as often are noise' }),
      ),
      ...Rules,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '2m', retry: { maxAttempts: 1 } },
  run: async (a): Promise<ShadowVerdict & { calls: number }> => {
    const rules = checkedRules(a);
    const primary = await resolveCall(a.primary, 'primary');
    const candidate = await resolveCall({ action: a.candidate.action, with: a.candidate.with ?? a.primary.with }, 'candidate');
    const endpoint = primary.name === candidate.name ? primary.name : `${primary.name} → ${candidate.name}`;
    const pairs: ComparedPair[] = [];
    const noise: ComparedPair[] = [];
    let calls = 0;
    for (let round = 0; round < (a.times ?? 1); round++) {
      const p = await observe(primary);
      const c = await observe(candidate);
      calls += 2;
      pairs.push({ id: round + 1, endpoint, primary: p, candidate: c });
      // The second primary call comes last, furthest in time from the first: a time-dependent field differs
      // at least as often there as for the candidate, so it is cancelled as noise.
      if (a.noise) {
        noise.push({ id: round + 1, endpoint, primary: p, candidate: await observe(primary) });
        calls++;
      }
    }
    return { ...verdict(compareShadowPairs(pairs, noise, rules), 1, a.maxMismatchRate ?? 0), calls };
  },
});

function checkedRules(a: RuleArgs): ReturnType<typeof compileRules> {
  try {
    return compileRules(a as CompareRules);
  } catch (error) {
    throw ApplicationFailure.nonRetryable((error as Error).message, 'SHADOW_BAD_RULES');
  }
}

function verdict(report: ShadowReport, minPairs: number, maxMismatchRate: number): ShadowVerdict {
  const reasons: string[] = [];
  if (report.pairs < minPairs) reasons.push(`only ${report.pairs} pair(s) to compare; at least ${minPairs} are needed`);
  if (report.mismatchRate > maxMismatchRate) {
    const fields = report.differingFields.slice(0, 5).join(', ');
    reasons.push(
      `mismatch rate ${report.mismatchRate} > ${maxMismatchRate} (${report.mismatches} of ${report.pairs} pairs; fields: ${fields}${report.differingFields.length > 5 ? ', …' : ''})`,
    );
  }
  return { passed: reasons.length === 0, reasons, maxMismatchRate, ...report };
}

interface ResolvedCall {
  name: string;
  definition: ActionDefinition<any, any>;
  args: Record<string, unknown>;
}

async function resolveCall(call: Static<typeof Call>, side: string): Promise<ResolvedCall> {
  // Looked up when called: the registry imports this file, so a top-level import would be a cycle.
  const { actions } = await import('./registry');
  const definition = actions.get(call.action);
  if (!definition) throw ApplicationFailure.nonRetryable(`${side}.action: no action named '${call.action}'`, 'UNKNOWN_ACTION');
  if (definition.name.startsWith('shadow.'))
    throw ApplicationFailure.nonRetryable(`${side}.action: ${call.action} cannot be shadow-tested by itself`, 'BAD_ARGUMENT');
  const args = call.with ?? {};
  if (!Value.Check(definition.args, args)) {
    const problems = [...Value.Errors(definition.args, args)].slice(0, 5).map((e) => `${e.path || '(top)'} ${e.message}`);
    throw ApplicationFailure.nonRetryable(`${side}: arguments of ${call.action} are invalid: ${problems.join('; ')}`, 'ACTION_ARGS');
  }
  return { name: definition.name, definition, args };
}

/** One call: its output as the body, ok / error:<code> as the status, and how long it took. */
async function observe(call: ResolvedCall): Promise<Observation> {
  const started = performance.now();
  try {
    const output = await call.definition.run(structuredClone(call.args));
    return { status: 'ok', body: output === undefined ? null : JSON.parse(JSON.stringify(output)), latencyMs: round3(performance.now() - started) };
  } catch (error) {
    const code = (error as { type?: string; code?: string }).type ?? (error as { code?: string }).code ?? 'ERROR';
    return { status: `error:${code}`, body: { message: (error as Error).message }, latencyMs: round3(performance.now() - started) };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
