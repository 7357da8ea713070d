/**
 * The retry behind `genie override`: only an update the server lost with its workflow task is
 * sent again; a refusal, a missing run or any other server error reaches the operator at once.
 * (The lost update itself is produced by a real server in test/e2e/healing-durability.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { isUpdateLostWithTask, retryLostUpdate } from '../../../src/temporal/update-retry';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });
const lost = () =>
  new ServiceError('Workflow Update failed', { cause: grpc(9, 'Unable to perform workflow execution update due to unexpected workflow task failure.') });

describe('retryLostUpdate', () => {
  it('recognises only the server aborting an update with its workflow task', () => {
    assert.equal(isUpdateLostWithTask(lost()), true);
    assert.equal(isUpdateLostWithTask(new ServiceError('Workflow Update failed', { cause: grpc(9, 'workflow execution already completed') })), false);
    assert.equal(isUpdateLostWithTask(new ServiceError('Workflow Update failed', { cause: grpc(14, 'unexpected workflow task failure') })), false);
    assert.equal(isUpdateLostWithTask(new WorkflowUpdateFailedError('Workflow Update failed', new Error('already aborted'))), false);
    assert.equal(isUpdateLostWithTask(new Error('unexpected workflow task failure')), false);
  });

  it('sends a lost update again and returns its answer', async () => {
    let calls = 0;
    const answer = await retryLostUpdate(async () => {
      calls += 1;
      if (calls < 3) throw lost();
      return 'accepted';
    });
    assert.deepEqual([answer, calls], ['accepted', 3]);
  });

  it('passes a refusal through at once, and gives up on a lost update after 5 attempts', async () => {
    let calls = 0;
    const refusal = new WorkflowUpdateFailedError('Workflow Update failed', new Error('already aborted'));
    await assert.rejects(
      retryLostUpdate(async () => {
        calls += 1;
        throw refusal;
      }),
      (e) => e === refusal,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      retryLostUpdate(async () => {
        calls += 1;
        throw lost();
      }),
      (e) => isUpdateLostWithTask(e),
    );
    assert.equal(calls, 5);
  });
});
