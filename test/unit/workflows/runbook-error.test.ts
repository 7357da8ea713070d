/** The interpreter's failures carry a documented code; a fail: step's author picks any code. */
import { strict as assert } from 'node:assert';
import { isRuntimeCode } from '../../../src/dsl/runtime-codes';
import { authoredError, runbookError } from '../../../workflows/errors';

describe('runbookError and authoredError', () => {
  it('make a non-retryable failure with the code, the message and the details', () => {
    const failure = runbookError('FOREACH_FAILED', '2 of 3 iterations failed (allowed: 1)', { failed: 2 });
    assert.equal(failure.type, 'FOREACH_FAILED');
    assert.equal(failure.message, '2 of 3 iterations failed (allowed: 1)');
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details, [{ failed: 2 }]);
    const authored = authoredError('DISK_FULL', 'no space left');
    assert.equal(authored.type, 'DISK_FULL');
    assert.equal(authored.nonRetryable, true);
  });

  it('runbookError takes only a key of RUNTIME_CODES: the compiler refuses anything else', () => {
    // @ts-expect-error STEP_TIMOUT is not a run-time code (tsc fails here the day it would compile)
    const typo: Parameters<typeof runbookError>[0] = 'STEP_TIMOUT';
    assert.equal(isRuntimeCode(typo), false);
    const known: Parameters<typeof runbookError>[0] = 'STEP_TIMEOUT';
    assert.equal(isRuntimeCode(known), true);
  });
});
