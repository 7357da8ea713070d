/**
 * Runs `count` tasks with at most `limit` at once, each in its own cancellation scope, so
 * parallel branches and forEach iterations can be stopped early (failFast, maxErrors) while
 * an abort from above still reaches every one of them.
 */
import { CancellationScope, CancelledFailure } from '@temporalio/workflow';

export type LaneOutcome = { status: 'succeeded' } | { status: 'failed'; error: unknown } | { status: 'cancelled' } | { status: 'not_started' };

export async function runLanes(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
  /** Called after each failure; returning true stops new tasks and cancels running ones. */
  stopAfterFailure: (failures: number) => boolean,
): Promise<LaneOutcome[]> {
  const outcomes: LaneOutcome[] = Array.from({ length: count }, () => ({ status: 'not_started' }));
  const scopes = new Map<number, CancellationScope>();
  const parent = CancellationScope.current();
  let next = 0;
  let failures = 0;
  let stopping = false;

  const lane = async (): Promise<void> => {
    while (!stopping && next < count) {
      const index = next++;
      const scope = new CancellationScope();
      scopes.set(index, scope);
      try {
        await scope.run(() => task(index));
        outcomes[index] = { status: 'succeeded' };
      } catch (error) {
        if (scope.consideredCancelled) {
          outcomes[index] = { status: 'cancelled' };
        } else {
          outcomes[index] = { status: 'failed', error };
          failures += 1;
          if (stopAfterFailure(failures)) {
            stopping = true;
            for (const s of scopes.values()) s.cancel();
          }
        }
      } finally {
        scopes.delete(index);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
  if (parent.consideredCancelled) throw new CancelledFailure('cancelled');
  return outcomes;
}
