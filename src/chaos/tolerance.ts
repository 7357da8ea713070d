/**
 * Is a probe's value within its tolerance? Chaos Toolkit's rules, so an imported experiment
 * gets the verdict Chaos Toolkit would give (chaoslib/hypothesis.py `within_tolerance`):
 *
 * - a boolean or string: the value equals it;
 * - a number: the value's `status` (HTTP status, exit code) equals it, or the value does;
 * - a list: the value's `status` is in it; otherwise a pair is an inclusive [min, max]; else membership;
 * - `{type: range, range: [min, max], target?}`: the (target field of the) value is a number within;
 * - `{type: regex, pattern, target?}`: the pattern is found in the (target field of the) value;
 * - `{type: jsonpath, path, target?, expect?, count?}`: matches exist (count: exactly so many;
 *   expect: the matches equal [expect], or expect when it is a list);
 * - `{type: expression, expression}`: Genie's own: a JSONata expression over `$value` is true.
 */
import jsonata from 'jsonata';
import { RE2JS } from 're2js';
import { ACTIVITY_EXPRESSION_BUDGET, compileBudgeted, evaluateBudgeted } from '../dsl/expression-budget';
import { isDeepStrictEqual } from 'node:util';
import { queryJsonPath } from './jsonpath';
import type { Tolerance } from './spec';

export interface ToleranceResult {
  ok: boolean;
  reason: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function targetOf(value: unknown, target: string | undefined): unknown {
  return target && isRecord(value) && Object.hasOwn(value, target) ? value[target] : value;
}

const show = (v: unknown) => {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
};

export async function withinTolerance(tolerance: Tolerance | undefined, value: unknown): Promise<ToleranceResult> {
  if (tolerance === undefined) return { ok: true, reason: 'no tolerance: the value is recorded only' };
  if (typeof tolerance === 'boolean' || typeof tolerance === 'string' || tolerance === null) {
    const ok = isDeepStrictEqual(value, tolerance);
    return { ok, reason: ok ? `equals ${show(tolerance)}` : `${show(value)} is not ${show(tolerance)}` };
  }
  if (typeof tolerance === 'number') {
    const actual = isRecord(value) && 'status' in value ? value.status : value;
    const ok = actual === tolerance;
    return { ok, reason: ok ? `equals ${tolerance}` : `${show(actual)} is not ${tolerance}` };
  }
  if (Array.isArray(tolerance)) {
    if (isRecord(value) && 'status' in value) {
      const ok = tolerance.some((t) => isDeepStrictEqual(t, value.status));
      return { ok, reason: `status ${show(value.status)} ${ok ? 'is' : 'is not'} in ${show(tolerance)}` };
    }
    if (tolerance.length === 2 && typeof tolerance[0] === 'number' && typeof tolerance[1] === 'number' && typeof value === 'number') {
      const ok = tolerance[0] <= value && value <= tolerance[1];
      return { ok, reason: `${value} ${ok ? 'within' : 'outside'} [${tolerance[0]}, ${tolerance[1]}]` };
    }
    const ok = tolerance.some((t) => isDeepStrictEqual(t, value));
    return { ok, reason: `${show(value)} ${ok ? 'is' : 'is not'} in ${show(tolerance)}` };
  }
  switch (tolerance.type) {
    case 'range': {
      const v = Number(targetOf(value, tolerance.target));
      const [min, max] = tolerance.range;
      const ok = Number.isFinite(v) && min <= v && v <= max;
      return {
        ok,
        reason: Number.isFinite(v) ? `${v} ${ok ? 'within' : 'outside'} [${min}, ${max}]` : `${show(targetOf(value, tolerance.target))} is not a number`,
      };
    }
    case 'regex': {
      const v = targetOf(value, tolerance.target);
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      // RE2's linear-time engine: a runbook's `^(a+)+$` cannot hold the activity's event loop.
      const ok = RE2JS.compile(tolerance.pattern).matcher(text).find();
      return { ok, reason: `/${tolerance.pattern}/ ${ok ? 'found' : 'not found'} in ${show(text)}` };
    }
    case 'jsonpath': {
      let v = targetOf(value, tolerance.target);
      if (typeof v === 'string') {
        try {
          v = JSON.parse(v);
        } catch {
          /* not JSON: matched as is, like Chaos Toolkit */
        }
      }
      const values = queryJsonPath(v, tolerance.path);
      let ok = values.length > 0;
      if (tolerance.count !== undefined) ok = values.length === tolerance.count;
      if ('expect' in tolerance) ok = isDeepStrictEqual(values, Array.isArray(tolerance.expect) ? tolerance.expect : [tolerance.expect]);
      return { ok, reason: `${tolerance.path} matched ${show(values)}` };
    }
    case 'expression': {
      const expression = compileBudgeted(jsonata, tolerance.expression, ACTIVITY_EXPRESSION_BUDGET);
      const result: unknown = await evaluateBudgeted(expression, tolerance.expression, ACTIVITY_EXPRESSION_BUDGET, { value }, { value });
      const ok = result === true;
      return { ok, reason: `${tolerance.expression} → ${show(result)}` };
    }
  }
}
