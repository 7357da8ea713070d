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
import {
  compileBudgeted,
  evaluateBudgeted,
  type ExpressionFailure,
  expressionFailure,
  OVERFLOW_EXPRESSION_BUDGET,
  plainJson,
} from '../src/dsl/expression-budget';
import { expressionBody } from '../src/dsl/expression';

export type ExpressionOutcome = { ok: true; value: unknown } | ({ ok: false } & ExpressionFailure);

export async function evaluateExpression(input: { expression: string; bindings: Record<string, unknown> }): Promise<ExpressionOutcome> {
  const text = String(input.expression);
  try {
    const compiled = compileBudgeted(jsonata, expressionBody(text), OVERFLOW_EXPRESSION_BUDGET);
    return { ok: true, value: plainJson(await evaluateBudgeted(compiled, text, OVERFLOW_EXPRESSION_BUDGET, input.bindings, input.bindings)) };
  } catch (err) {
    return { ok: false, ...expressionFailure(text, err) };
  }
}
