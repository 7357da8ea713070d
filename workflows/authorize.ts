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

export const AUTHORIZE_PATCH = 'authorized-overrides';

const { authorizeOverride } = proxyLocalActivities<typeof policy>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, initialInterval: '200ms' },
});

type Target = AuthorizeRequest['target'];

export class OverrideGate {
  private readonly nonces = new Set<string>();

  /** `usedBefore`: nonces this run accepted before (an earlier run of the chain, carried over by continue-as-new). */
  constructor(private readonly usedBefore: (nonce: string) => boolean = () => false) {}

  /**
   * An update: `proceed` (record and apply) once allowed, else `refuse(why)` and throw so
   * the caller sees the refusal. `recheck` repeats the state checks the validator made,
   * since the run may have moved on while the policy was consulted.
   */
  update<R>(action: string, target: () => Target | undefined, args: unknown, proceed: () => R, refuse: (why: string) => void, recheck: () => string | undefined): R | Promise<R> {
    if (!patched(AUTHORIZE_PATCH)) return proceed();
    return (async () => {
      const why = (await this.check(action, target(), args, 'update')) ?? recheck();
      if (why) {
        refuse(why);
        throw ApplicationFailure.nonRetryable(why, 'OVERRIDE_REFUSED');
      }
      return proceed();
    })();
  }

  /** A signal (the UI's form, `temporal workflow signal`): a refusal is only recorded. */
  signal(action: string, target: () => Target | undefined, args: unknown, proceed: () => void, refuse: (why: string) => void): void | Promise<void> {
    if (!patched(AUTHORIZE_PATCH)) return proceed();
    return (async () => {
      const why = await this.check(action, target(), args, 'signal');
      if (why) refuse(why);
      else proceed();
    })();
  }

  /** Undefined when allowed (or when there is nothing to check yet); otherwise why not. */
  private async check(action: string, target: Target | undefined, args: unknown, via: 'update' | 'signal'): Promise<string | undefined> {
    // Malformed args and a run still loading are refused by the caller's own checks.
    if (!target || !args || typeof args !== 'object') return undefined;
    const nonce = (args as { auth?: { nonce?: unknown } }).auth?.nonce;
    const replayed = `nonce ${String(nonce)} was already used in this run: a replayed request is refused; sign a new one`;
    if (typeof nonce === 'string' && (this.nonces.has(nonce) || this.usedBefore(nonce))) return replayed;
    const result = await authorizeOverride({ action, workflowId: workflowInfo().workflowId, target, args: args as Record<string, unknown>, via });
    if (!result.allowed) return result.refusal ?? `${action} refused by the access policy`;
    if (result.nonce) {
      // Two copies of one request may have been checked at the same time.
      if (this.nonces.has(result.nonce)) return replayed;
      this.nonces.add(result.nonce);
    }
    return undefined;
  }
}
