/** The code a failed action reports (what `retry.nonRetryable` and `$error.code` match on). */
import { strict as assert } from 'node:assert';
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withAttempt } from '../../../activities/envelope';
import { ProcessError } from '../../../src/process/errors';
import { BreakerNameError } from '../../../src/resilience/errors';

const quiet = () => undefined;
const silent = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

async function failureOf(thrown: unknown): Promise<ApplicationFailure> {
  const action = withAttempt(async () => {
    throw thrown;
  });
  try {
    await new MockActivityEnvironment(undefined, { logger: silent }).run(action, {});
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, String(error));
    return error;
  }
  assert.fail('the action did not fail');
}

describe('activity envelope: the code of a failure', () => {
  it("is a GenieError's code, not its class name", async () => {
    const failure = await failureOf(new ProcessError('PROCESS_LOCKED', 'locked by another operation'));
    assert.equal(failure.type, 'PROCESS_LOCKED');
    assert.equal(failure.message, 'locked by another operation');
    assert.deepEqual(failure.details, [{ attempt: 1 }]);
    assert.equal((await failureOf(new BreakerNameError('not a name'))).type, 'BREAKER_NAME_INVALID');
  });

  it('keeps the code a Node error carries, else the class name', async () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    assert.equal((await failureOf(enoent)).type, 'ENOENT');
    assert.equal((await failureOf(new TypeError('x is not a function'))).type, 'TypeError');
    assert.equal((await failureOf(new Error('plain'))).type, 'Error');
  });

  it('names something thrown that is not an Error', async () => {
    const failure = await failureOf('a bare string');
    assert.equal(failure.type, 'Error');
    assert.equal(failure.message, 'a bare string');
    assert.equal((await failureOf(null)).type, 'Error');
  });
});
