/**
 * The access-policy gate in front of every operator override (runbook runs and the breakers
 * workflow). The check itself runs in a local activity (activities/policy.ts: policy file,
 * signatures); here the run remembers the nonces it has accepted, so a signed request
 * replayed within its lifetime is refused, and a refusal is both recorded (who tried what,
 * why) and, for an update, thrown back to the caller.
 *
 * Determinism: runs recorded before this gate existed applied overrides synchronously, with
 * no local activity. `patched('authorized-overrides')` keeps them on that path when they
 * replay; new runs record the patch marker with their first override.
 */
import { ApplicationFailure, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type * as policy from '../activities/policy';
import type { AuthorizeRequest } from '../src/policy/types';
import type { RuntimeCode } from '../src/dsl/runtime-codes';

export const AUTHORIZE_PATCH = 'authorized-overrides';
/** Runs recorded before the bound below checked every request, however many arrived at once. */
export const CHECK_BOUND_PATCH = 'bounded-override-checks';

/**
 * Authorization checks in flight at once. Each is a local activity, and a workflow task must
 * finish all those it started: unbounded, one task held a check for every signal that arrived
 * with it (hundreds under a flood), and under a 10,000-signal flood tasks ran past their
 * timeout and were retried again and again. Beyond the bound a request is refused at once,
 * unchecked, and recorded; it can be sent again.
 */
export const MAX_PENDING_CHECKS = 16;

const { authorizeOverride } = proxyLocalActivities<typeof policy>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, initialInterval: '200ms' },
});

type Target = AuthorizeRequest['target'];

/**
 * A check's continuation can run after the worker evicted the run from its cache (seen under a
 * flood of signals: the server force-fails workflow tasks whose buffered signals overflow, and
 * the worker evicts). It then runs outside any workflow context, where recording the outcome
 * throws IllegalStateError ("Workflow uninitialized"), and the rejection, owned by no run, took
 * down the worker's whole workflow thread. (Asking inWorkflowContext() is not enough: the
 * reusable VM may already hold another run's context.) An evicted run redoes the check when it
 * is replayed, so such a continuation is dropped.
 */
function unlessEvicted<R>(work: Promise<R>): Promise<R> {
  return work.catch((error: unknown) => {
    if ((error as Error)?.name !== 'IllegalStateError') throw error;
    return new Promise<R>(() => undefined);
  });
}

export class OverrideGate {
  private readonly nonces = new Set<string>();
  private pending = 0;

  /** `usedBefore`: nonces this run accepted before (an earlier run of the chain, carried over by continue-as-new). */
  constructor(private readonly usedBefore: (nonce: string) => boolean = () => false) {}

  /** Nonces accepted in this run, oldest first: what continue-as-new must carry. */
  accepted(): string[] {
    return [...this.nonces];
  }

  /**
   * An update: `proceed` (record and apply) once allowed, else `refuse(why)` and throw so
   * the caller sees the refusal. `recheck` repeats the state checks the validator made,
   * since the run may have moved on while the policy was consulted.
   */
  update<R>(
    action: string,
    target: () => Target | undefined,
    args: unknown,
    proceed: () => R,
    refuse: (why: string) => void,
    recheck: () => string | undefined,
  ): R | Promise<R> {
    if (!patched(AUTHORIZE_PATCH)) return proceed();
    return unlessEvicted(
      (async () => {
        const why = (await this.check(action, target(), args, 'update')) ?? recheck();
        if (why) {
          refuse(why);
          throw ApplicationFailure.nonRetryable(why, 'OVERRIDE_REFUSED' satisfies RuntimeCode);
        }
        return proceed();
      })(),
    );
  }

  /** A signal (the UI's form, `temporal workflow signal`): a refusal is only recorded. */
  signal(action: string, target: () => Target | undefined, args: unknown, proceed: () => void, refuse: (why: string) => void): void | Promise<void> {
    if (!patched(AUTHORIZE_PATCH)) return proceed();
    return unlessEvicted(
      (async () => {
        const why = await this.check(action, target(), args, 'signal');
        if (why) refuse(why);
        else proceed();
      })(),
    );
  }

  /** Undefined when allowed (or when there is nothing to check yet); otherwise why not. */
  private async check(action: string, target: Target | undefined, args: unknown, via: 'update' | 'signal'): Promise<string | undefined> {
    // Malformed args and a run still loading are refused by the caller's own checks.
    if (!target || !args || typeof args !== 'object') return undefined;
    const nonce = (args as { auth?: { nonce?: unknown } }).auth?.nonce;
    const replayed = `nonce ${String(nonce)} was already used in this run: a replayed request is refused; sign a new one`;
    if (typeof nonce === 'string' && (this.nonces.has(nonce) || this.usedBefore(nonce))) return replayed;
    if (patched(CHECK_BOUND_PATCH) && this.pending >= MAX_PENDING_CHECKS) {
      return `too many override requests at once (${MAX_PENDING_CHECKS} are being checked); refused unchecked: send it again`;
    }
    this.pending += 1;
    let result;
    try {
      result = await authorizeOverride({
        action,
        workflowId: workflowInfo().workflowId,
        runId: workflowInfo().firstExecutionRunId,
        target,
        args: args as Record<string, unknown>,
        via,
      });
    } finally {
      this.pending -= 1;
    }
    if (!result.allowed) return result.refusal ?? `${action} refused by the access policy`;
    if (result.nonce) {
      // Two copies of one request may have been checked at the same time.
      if (this.nonces.has(result.nonce)) return replayed;
      this.nonces.add(result.nonce);
    }
    return undefined;
  }
}
