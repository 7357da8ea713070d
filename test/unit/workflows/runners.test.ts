/**
 * The interpreter's dispatch table. The type-level half is checked by tsc when the tests
 * compile: each `@ts-expect-error` fails the build if the line below it ever compiles.
 */
import { strict as assert } from 'node:assert';
import { STEP_KINDS, type StepKind } from '../../../src/dsl/step-kinds';
import type { RunnerTable, StepRunner } from '../../../workflows/steps/runner';
import { RUNNERS, runnerOf } from '../../../workflows/steps/runners';

const { fail: _fail, ...withoutFail } = RUNNERS;
// @ts-expect-error a table without the runner of one kind does not compile
const missingRunner: RunnerTable = withoutFail;
// @ts-expect-error nor one with another kind's runner in a kind's place
const wrongRunner: RunnerTable = { ...RUNNERS, fail: RUNNERS.sleep };
/** The same mapped type over the kinds with one more (what adding it to STEP_KINDS does to RunnerTable). */
type TableWith<New extends string> = { readonly [K in StepKind | New]: K extends StepKind ? StepRunner<K> : StepRunner<never> };
// @ts-expect-error adding a kind without a runner does not compile
const newKindWithoutRunner: TableWith<'wait'> = RUNNERS;
// The runner of a kind takes that kind's step.
const sleepRunner: StepRunner<'sleep'> = runnerOf('sleep');
void [missingRunner, wrongRunner, newKindWithoutRunner, sleepRunner, _fail];

describe('step runner table', () => {
  it('has exactly one runner per step kind', () => {
    assert.deepEqual(Object.keys(RUNNERS).sort(), Object.keys(STEP_KINDS).sort());
    for (const runner of Object.values(RUNNERS)) assert.equal(typeof runner.run, 'function');
  });

  it('declares the properties the interpreter used to special-case by kind', () => {
    const kindsWith = (has: (r: StepRunner<StepKind>) => boolean) => (Object.keys(RUNNERS) as StepKind[]).filter((k) => has(runnerOf(k))).sort();
    assert.deepEqual(
      kindsWith((r) => r.ownsDeadline === true),
      ['action', 'sleep'],
    );
    assert.deepEqual(
      kindsWith((r) => r.ownsIf === true),
      ['if'],
    );
    assert.deepEqual(
      kindsWith((r) => r.checkpoints === true),
      ['until'],
    );
    assert.deepEqual(
      kindsWith((r) => r.background !== undefined),
      ['analysis'],
    );
  });

  it('runs an analysis in the background only when it says background: true', () => {
    const analysis = (background?: boolean) => ({ id: 'a', analysis: { ...(background !== undefined ? { background } : {}) } });
    assert.equal(RUNNERS.analysis.background?.(analysis(true)), true);
    assert.equal(RUNNERS.analysis.background?.(analysis(false)), false);
    assert.equal(RUNNERS.analysis.background?.(analysis()), false);
  });
});
