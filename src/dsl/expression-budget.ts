/**
 * A budget for one JSONata evaluation: a cap on evaluation steps and nesting depth, counted
 * through JSONata's own entry hook and stack guard. Counting is deterministic (same expression,
 * same input, same count), so the workflow sandbox can use it; a wall-clock cap is not, so only
 * activities add one. Without a budget, `($f := function($x){ $f($x) }; $f(1))` never returns
 * and holds the workflow task (or the activity's event loop) forever.
 */
import type jsonata from 'jsonata';
import { LinearRegExp } from './linear-regexp';
import { GenieError } from '../errors/genie-error';

export interface ExpressionBudget {
  /** Evaluation steps (JSONata `evaluate` calls) one evaluation may take. */
  maxSteps: number;
  /** Nesting depth of evaluation. */
  maxDepth: number;
  /** Wall-clock cap in milliseconds; activities only (not deterministic). */
  timeoutMs?: number;
}

/**
 * What a workflow evaluates inline. A step costs ~180 µs in the sandbox (the SDK's promise hook
 * captures a stack per promise), so 1,000 steps hold the workflow thread ~0.2 s at most, far
 * from Temporal's 2 s deadlock detector. Shipped runbooks take tens of steps; an evaluation
 * that needs more (a filter over hundreds of hosts) moves to a local activity with
 * OVERFLOW_EXPRESSION_BUDGET (workflows/evaluate.ts).
 */
export const WORKFLOW_EXPRESSION_BUDGET: ExpressionBudget = { maxSteps: 1_000, maxDepth: 500 };
/**
 * The inline budget of runs recorded before the overflow activity existed (patch
 * `expression-overflow-activity`): they replay with it. 10,000 steps took 1.8 s of the
 * workflow thread here, too close to the deadlock detector for new runs.
 */
export const LEGACY_WORKFLOW_EXPRESSION_BUDGET: ExpressionBudget = { maxSteps: 10_000, maxDepth: 500 };
/**
 * An overflowing workflow evaluation, on the worker's main thread (~2 µs a step). The clock
 * caps how long it may stall that thread (heartbeats and other activities share it).
 */
export const OVERFLOW_EXPRESSION_BUDGET: ExpressionBudget = { maxSteps: 100_000, maxDepth: 500, timeoutMs: 250 };
/** Activities evaluate over bigger data (HTTP bodies, probe values); the clock is their real cap. */
export const ACTIVITY_EXPRESSION_BUDGET: ExpressionBudget = { maxSteps: 1_000_000, maxDepth: 200, timeoutMs: 1000 };

/** Thrown when an evaluation runs out of budget; `limit` says which. */
export class ExpressionBudgetExceeded extends GenieError {
  readonly code = 'EXPRESSION_BUDGET';

  constructor(
    readonly limit: 'steps' | 'depth' | 'time',
    readonly value: number,
    expressionText: string,
  ) {
    const what = limit === 'steps' ? `${value} evaluation steps` : limit === 'depth' ? `nesting depth ${value}` : `${value} ms`;
    super(`expression ${expressionText} exceeded ${what}; simplify it (no unbounded recursion or loops)`);
  }
}

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const STEPS = Symbol('genie.steps');

/** jsonata's options type omits the guardrails the 2.x runtime honours. */
export function budgetOptions(budget: ExpressionBudget): jsonata.JsonataOptions {
  return { stack: budget.maxDepth, RegexEngine: LinearRegExp, ...(budget.timeoutMs ? { timeout: budget.timeoutMs } : {}) } as unknown as jsonata.JsonataOptions;
}

/**
 * Compile with the depth (and time) guard and install the step counter. The counter lives on
 * the per-evaluation environment (`environment.base`), so concurrent evaluations of one
 * compiled expression each get their own count.
 */
export function compileBudgeted(compile: typeof jsonata, text: string, budget: ExpressionBudget): jsonata.Expression {
  const expression = compile(text, budgetOptions(budget));
  expression.assign(ENTRY as unknown as string, (_expr: unknown, _input: unknown, environment: { base: Record<symbol, number> }) => {
    const base = environment.base;
    const steps = (base[STEPS] ?? 0) + 1;
    base[STEPS] = steps;
    if (steps > budget.maxSteps) throw new ExpressionBudgetExceeded('steps', budget.maxSteps, text);
  });
  return expression;
}

/** Evaluate, turning JSONata's own guard errors (D1011 depth, D1012 time) into the budget error. */
export async function evaluateBudgeted(
  expression: jsonata.Expression,
  text: string,
  budget: ExpressionBudget,
  input: unknown,
  bindings?: Record<string, unknown>,
): Promise<unknown> {
  try {
    return await expression.evaluate(input, bindings);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'D1011') throw new ExpressionBudgetExceeded('depth', budget.maxDepth, text);
    if (code === 'D1012') throw new ExpressionBudgetExceeded('time', budget.timeoutMs ?? 0, text);
    // JS stack overflow from deep non-tail recursion is the same runaway, caught lower down.
    if (err instanceof RangeError) throw new ExpressionBudgetExceeded('depth', budget.maxDepth, text);
    throw err;
  }
}

/** What a failed evaluation reports, the same whether it ran in the workflow or in the overflow activity. */
export interface ExpressionFailure {
  code: 'EXPRESSION_BUDGET' | 'EXPRESSION_FAILED';
  message: string;
  details: Record<string, unknown>;
}

export function expressionFailure(expressionText: string, err: unknown): ExpressionFailure {
  if (err instanceof ExpressionBudgetExceeded) return { code: 'EXPRESSION_BUDGET', message: err.message, details: { limit: err.limit, value: err.value } };
  const e = err as { message?: string; code?: string; position?: number };
  return { code: 'EXPRESSION_FAILED', message: `${expressionText}: ${e.message ?? String(err)}`, details: { code: e.code, position: e.position } };
}

/** JSONata returns sequences with extra properties and `undefined` for no match; history wants plain JSON. */
export function plainJson(value: unknown): unknown {
  const json = value === undefined ? undefined : JSON.stringify(value);
  return json === undefined ? null : JSON.parse(json);
}
