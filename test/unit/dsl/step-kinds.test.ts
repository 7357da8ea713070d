/** The one list of step kinds, and what is derived from it, stays what documents, schema and messages rely on. */
import { strict as assert } from 'node:assert';
import { DIAGNOSTIC_CODES } from '../../../src/dsl/diagnostics';
import { STEP_KINDS, STEP_KIND_KEYS, STEP_KIND_OF_KEY, stepKind, type Step } from '../../../src/dsl/types';

describe('step kinds', () => {
  it('lists the kind keys in document order, if named by its then', () => {
    assert.deepEqual(STEP_KIND_KEYS, ['action', 'sleep', 'approval', 'parallel', 'then', 'switch', 'forEach', 'until', 'runbook', 'fail', 'pause', 'analysis']);
    assert.deepEqual(Object.keys(STEP_KINDS), [
      'action',
      'sleep',
      'approval',
      'parallel',
      'if',
      'switch',
      'forEach',
      'until',
      'runbook',
      'fail',
      'pause',
      'analysis',
    ]);
    assert.deepEqual(STEP_KIND_OF_KEY, {
      action: 'action',
      sleep: 'sleep',
      approval: 'approval',
      parallel: 'parallel',
      then: 'if',
      switch: 'switch',
      forEach: 'forEach',
      until: 'until',
      runbook: 'runbook',
      fail: 'fail',
      pause: 'pause',
      analysis: 'analysis',
    });
  });

  it('finds a step kind from its key; an if guard on another kind is no kind of its own', () => {
    assert.equal(stepKind({ id: 'b', if: '{% true %}', then: [{ id: 's', sleep: '1s' }] }), 'if');
    assert.equal(stepKind({ id: 's', if: '{% true %}', sleep: '1s' }), 'sleep');
    assert.throws(() => stepKind({ id: 'x' } as unknown as Step), /has no kind/);
  });

  it('the STEP_KIND_MISSING diagnostic names every kind key', () => {
    assert.equal(
      DIAGNOSTIC_CODES.STEP_KIND_MISSING,
      'A step carries none of the kind keys (action, sleep, approval, parallel, then, switch, forEach, until, runbook, fail, pause, analysis).',
    );
  });
});
