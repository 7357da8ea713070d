import { strict as assert } from 'node:assert';
import jsonata from 'jsonata';
import {
  ACTIVITY_EXPRESSION_BUDGET,
  compileBudgeted,
  evaluateBudgeted,
  ExpressionBudgetExceeded,
  WORKFLOW_EXPRESSION_BUDGET,
} from '../../../src/dsl/expression-budget';
import { withinTolerance } from '../../../src/chaos/tolerance';

const RECURSIVE = '($f := function($x){ $f($x) }; $f(1))';
const LONG_LOOP = '$count([1..10000000].($ * 2))';

async function run(text: string, budget = WORKFLOW_EXPRESSION_BUDGET): Promise<unknown> {
  return evaluateBudgeted(compileBudgeted(jsonata, text, budget), text, budget, {}, {});
}

describe('expression budget', () => {
  it('ends a recursive expression with a budget error that names the expression', async () => {
    const started = Date.now();
    const err = await run(RECURSIVE).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ExpressionBudgetExceeded, String(err));
    assert.ok(err.message.includes(RECURSIVE), err.message);
    assert.match(err.message, /exceeded (1000 evaluation steps|nesting depth 500); simplify it/);
    assert.ok(Date.now() - started < 5000);
  });

  it('ends a long loop by its step count', async () => {
    const err = await run('($loop := function($n){ $n > 0 ? $loop($n - 1) : 0 }; $loop(100000000))').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ExpressionBudgetExceeded, String(err));
    assert.equal(err.limit, 'steps');
  });

  it('counts the same number of steps every time (deterministic: the workflow sandbox relies on it)', async () => {
    const small = { maxSteps: 50, maxDepth: 500 };
    const outcomes = await Promise.all(
      [1, 2, 3].map(() =>
        run('[1..40].($ + 1)', small).then(
          () => 'ok',
          (e: Error) => e.message,
        ),
      ),
    );
    assert.equal(new Set(outcomes).size, 1);
    assert.ok(outcomes[0].includes('exceeded 50 evaluation steps'), outcomes[0]);
  });

  it('keeps ordinary expressions working and counts each evaluation on its own', async () => {
    const expression = compileBudgeted(jsonata, '$sum([1..100])', { maxSteps: 1000, maxDepth: 100 });
    for (let i = 0; i < 50; i++) assert.equal(await evaluateBudgeted(expression, 'x', WORKFLOW_EXPRESSION_BUDGET, {}), 5050);
  });

  it('activities also stop on wall-clock time', async () => {
    const err = await run(LONG_LOOP, { maxSteps: Number.MAX_SAFE_INTEGER, maxDepth: 500, timeoutMs: 200 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ExpressionBudgetExceeded, String(err));
    assert.equal(err.limit, 'time');
  });

  it('regex literals inside expressions match in linear time, with RegExp results', async () => {
    const started = Date.now();
    assert.equal(await run(`$contains("${'a'.repeat(39)}b", /^(a+)+$/)`), false);
    assert.deepEqual(JSON.parse(JSON.stringify(await run('$match("ab12cd345", /[0-9]+/).match'))), ['12', '345']);
    assert.equal(await run('$replace("Hello World", /o/i, "0")'), 'Hell0 W0rld');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
});

describe('chaos tolerances under a budget', () => {
  it('a recursive tolerance expression fails with the budget error', async () => {
    const err = await withinTolerance({ type: 'expression', expression: RECURSIVE }, 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ExpressionBudgetExceeded, String(err));
    assert.equal(typeof ACTIVITY_EXPRESSION_BUDGET.timeoutMs, 'number');
  });

  it('a catastrophic regex answers at once (linear-time engine)', async () => {
    const text = `${'a'.repeat(39)}b`;
    const started = Date.now();
    const result = await withinTolerance({ type: 'regex', pattern: '^(a+)+$' }, text);
    assert.equal(result.ok, false);
    assert.equal((await withinTolerance({ type: 'regex', pattern: '^(a+)+$' }, 'a'.repeat(40))).ok, true);
    // Backtracking RegExp takes minutes on 40 characters; linear matching takes milliseconds.
    assert.ok(Date.now() - started < 1000);
  });
});
