/**
 * JSONata evaluation inside the workflow. Deterministic: JSONata is pure, and `$now()` /
 * `$random()` read the sandbox's workflow clock and seeded random. An evaluation that runs out
 * of the small inline step budget is handed to a local activity with a larger, clock-capped
 * one (activities/expression.ts); its answer is recorded, so replay never re-runs it.
 */
import { patched, proxyLocalActivities } from '@temporalio/workflow';
import jsonata from 'jsonata';
import type * as expressionActivities from '../activities/expression';
import { parseDuration } from '../src/dsl/duration';
import { expressionBody, isExpression } from '../src/dsl/expression';
import {
  compileBudgeted,
  evaluateBudgeted,
  type ExpressionBudget,
  ExpressionBudgetExceeded,
  expressionFailure,
  LEGACY_WORKFLOW_EXPRESSION_BUDGET,
  plainJson,
  WORKFLOW_EXPRESSION_BUDGET,
} from '../src/dsl/expression-budget';
import { runbookError } from './errors';

/** Runs recorded before it evaluated up to 10,000 steps inline and had no overflow activity. */
export const EXPRESSION_OVERFLOW_PATCH = 'expression-overflow-activity';

const { evaluateExpression } = proxyLocalActivities<typeof expressionActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, initialInterval: '100ms' },
});

export type Bindings = Record<string, unknown>;

export class Evaluator {
  private readonly compiled = new Map<ExpressionBudget, Map<string, jsonata.Expression>>();

  /** One value: an expression string is evaluated, anything else returned as written. */
  async value(value: unknown, bindings: Bindings): Promise<unknown> {
    if (!isExpression(value)) return value;
    try {
      return await this.inline(value, bindings, WORKFLOW_EXPRESSION_BUDGET);
    } catch (err) {
      if (!(err instanceof ExpressionBudgetExceeded && err.limit === 'steps')) throw this.failure(value, err);
    }
    if (!patched(EXPRESSION_OVERFLOW_PATCH)) {
      try {
        return await this.inline(value, bindings, LEGACY_WORKFLOW_EXPRESSION_BUDGET);
      } catch (err) {
        throw this.failure(value, err);
      }
    }
    const outcome = await evaluateExpression({ expression: value, bindings: plainJson(bindings) as Bindings });
    if (!outcome.ok) throw runbookError(outcome.code, outcome.message, outcome.details);
    return outcome.value;
  }

  /** Counted steps and depth, never time: a budget the sandbox can keep deterministically. */
  private async inline(value: string, bindings: Bindings, budget: ExpressionBudget): Promise<unknown> {
    let cache = this.compiled.get(budget);
    if (!cache) this.compiled.set(budget, (cache = new Map()));
    let expression = cache.get(value);
    if (!expression) {
      expression = compileBudgeted(jsonata, expressionBody(value), budget);
      cache.set(value, expression);
    }
    return plainJson(await evaluateBudgeted(expression, value, budget, bindings, bindings));
  }

  private failure(value: string, err: unknown): Error {
    const { code, message, details } = expressionFailure(value, err);
    return runbookError(code, message, details);
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
