/**
 * Evaluating one JSONata expression that outgrew the workflow's inline budget. Inside the
 * sandbox every evaluation step costs ~180 µs (the SDK captures a stack trace for each
 * promise, and JSONata awaits at every step), so a workflow can afford only small
 * evaluations before it nears Temporal's 2 s deadlock detector. Here, on the worker's main
 * thread, a step costs ~2 µs and the wall clock is a real cap (OVERFLOW_EXPRESSION_BUDGET).
 * It runs as a local activity: its answer is recorded as a marker and replayed, so
 * determinism holds. `$now()` here is the worker's clock, not the workflow's: recorded all the same.
 */
import jsonata from 'jsonata';
import { OVERFLOW_EXPRESSION_BUDGET, compileBudgeted, evaluateBudgeted, ExpressionBudgetExceeded } from '../src/dsl/expression-budget';
import { expressionBody } from '../src/dsl/expression';

export type ExpressionOutcome =
  | { ok: true; value: unknown }
  | { ok: false; code: 'EXPRESSION_BUDGET' | 'EXPRESSION_FAILED'; message: string; details: Record<string, unknown> };

export async function evaluateExpression(input: { expression: string; bindings: Record<string, unknown> }): Promise<ExpressionOutcome> {
  const text = String(input.expression);
  try {
    const compiled = compileBudgeted(jsonata, expressionBody(text), OVERFLOW_EXPRESSION_BUDGET);
    const value = await evaluateBudgeted(compiled, text, OVERFLOW_EXPRESSION_BUDGET, input.bindings, input.bindings);
    // JSON in, JSON out: sequences and `undefined` become what history can hold.
    const json = value === undefined ? undefined : JSON.stringify(value);
    return { ok: true, value: json === undefined ? null : JSON.parse(json) };
  } catch (err) {
    if (err instanceof ExpressionBudgetExceeded) return { ok: false, code: 'EXPRESSION_BUDGET', message: err.message, details: { limit: err.limit, value: err.value } };
    const e = err as { message?: string; code?: string; position?: number };
    return { ok: false, code: 'EXPRESSION_FAILED', message: `${text}: ${e.message ?? String(err)}`, details: { code: e.code, position: e.position } };
  }
}
