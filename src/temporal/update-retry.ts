/**
 * An update whose workflow task the server rejected is lost, not refused: the server answers
 * FAILED_PRECONDITION ("unexpected workflow task failure") and the run replays without it.
 * This happens in ordinary operation: an override that ends a run (abort) completes in the same
 * workflow task as the run itself, and if an event arrives meanwhile (the cancelled activity
 * reporting back) the server rejects that task as UnhandledCommand and aborts the update with
 * it. Nothing of the update was recorded (its nonce included), so sending it again is safe;
 * an operator at 3 a.m. should not have to.
 */
import { ServiceError } from '@temporalio/client';

const ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 200;
const FAILED_PRECONDITION = 9;

/** The server aborted the update with its workflow task, before anything of it was recorded. */
export function isUpdateLostWithTask(error: unknown): boolean {
  const cause = error instanceof ServiceError ? (error.cause as { code?: number; details?: string } | undefined) : undefined;
  return cause?.code === FAILED_PRECONDITION && /workflow task failure/i.test(cause.details ?? '');
}

/** `send` again (up to 5 attempts, 200 ms doubling) while the server reports the update lost with its task. */
export async function retryLostUpdate<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isUpdateLostWithTask(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}
