/**
 * JSONata evaluation inside the workflow. Deterministic: JSONata is pure, and `$now()` /
 * `$random()` read the sandbox's workflow clock and seeded random.
 */
import jsonata from 'jsonata';
import { parseDuration } from '../src/dsl/duration';
import { expressionBody, isExpression } from '../src/dsl/expression';
import { compileBudgeted, evaluateBudgeted, ExpressionBudgetExceeded, WORKFLOW_EXPRESSION_BUDGET } from '../src/dsl/expression-budget';
import { runbookError } from './errors';

export type Bindings = Record<string, unknown>;

export class Evaluator {
  private readonly compiled = new Map<string, jsonata.Expression>();

  /** One value: an expression string is evaluated, anything else returned as written. */
  async value(value: unknown, bindings: Bindings): Promise<unknown> {
    if (!isExpression(value)) return value;
    let expression = this.compiled.get(value);
    if (!expression) {
      // Counted steps and depth, never time: a budget the sandbox can keep deterministically.
      expression = compileBudgeted(jsonata, expressionBody(value), WORKFLOW_EXPRESSION_BUDGET);
      this.compiled.set(value, expression);
    }
    try {
      return plain(await evaluateBudgeted(expression, value, WORKFLOW_EXPRESSION_BUDGET, bindings, bindings));
    } catch (err) {
      if (err instanceof ExpressionBudgetExceeded) throw runbookError('EXPRESSION_BUDGET', err.message, { limit: err.limit, value: err.value });
      const e = err as { message?: string; code?: string; position?: number };
      throw runbookError('EXPRESSION_FAILED', `${value}: ${e.message ?? String(err)}`, { code: e.code, position: e.position });
    }
  }

  /** Objects and arrays with expressions anywhere inside them (step arguments, outputs). */
  async deep(value: unknown, bindings: Bindings): Promise<unknown> {
    if (isExpression(value)) return this.value(value, bindings);
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.deep(v, bindings)));
    if (value && typeof value === 'object') {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await this.deep(v, bindings)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  }

  /** A duration field, written literally (`30s`) or as an expression that yields one. */
  async durationMs(value: string, bindings: Bindings): Promise<number> {
    const text = String(await this.value(value, bindings));
    try {
      return parseDuration(text);
    } catch (err) {
      throw runbookError('BAD_DURATION', `${value}: ${(err as Error).message}`);
    }
  }

  async truthy(value: unknown, bindings: Bindings): Promise<boolean> {
    const result = await this.value(value, bindings);
    return Array.isArray(result) ? result.length > 0 : Boolean(result);
  }
}

/** JSONata returns sequences with extra properties and `undefined` for no match; history wants plain JSON. */
function plain(value: unknown): unknown {
  const json = value === undefined ? undefined : JSON.stringify(value);
  return json === undefined ? null : JSON.parse(json);
}
