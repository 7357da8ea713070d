/** Assertions on how an action failed: the ApplicationFailure a retry policy will see. */
import { strict as assert } from 'node:assert';
import { ApplicationFailure } from '@temporalio/common';

/** The ApplicationFailure `promise` rejects with; fails the test if it resolves or throws something else. */
export async function failureOf(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type, `failure type (message: ${error.message})`);
    return error;
  }
  assert.fail(`expected a ${type} failure, got a result: ${JSON.stringify(outcome)}`);
}

/** The one details object an action attaches to its failure. */
export function detailsOf(failure: ApplicationFailure): Record<string, any> {
  assert.ok(failure.details && failure.details.length === 1, 'failure carries one details object');
  return failure.details[0] as Record<string, any>;
}
