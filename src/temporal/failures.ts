/**
 * Failures an action raises for arguments it cannot use. Non-retryable: the same arguments
 * fail the same way on every attempt, so a retry only delays the clear error.
 */
import { ApplicationFailure } from '@temporalio/common';

export function badArgument(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'BAD_ARGUMENT');
}
