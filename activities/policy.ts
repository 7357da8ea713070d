/**
 * The override check, run as a LOCAL activity by the workflows' update and signal handlers:
 * the crypto (Ed25519, HMAC) and the policy file live outside the deterministic sandbox,
 * and the answer is recorded in history (a marker), so a replay reaches the same decision
 * without re-reading the policy. Refusals are answers, not failures: nothing to retry.
 */
import { decide } from '../src/policy/decide';
import { loadPolicy, policyFile } from '../src/policy/load';
import type { AuthorizeRequest, AuthorizeResult } from '../src/policy/types';
import { policyHmacKey } from '../src/policy/hmac-keys';

export async function authorizeOverride(request: AuthorizeRequest): Promise<AuthorizeResult> {
  const file = policyFile();
  if (!file) return { allowed: true, policy: false, signed: false };
  let policy;
  try {
    policy = loadPolicy(file);
  } catch (error) {
    return { allowed: false, policy: true, signed: false, refusal: `no override is accepted while the access policy is unusable: ${(error as Error).message}` };
  }
  return decide(policy, request, { now: Date.now(), secret: (ref) => policyHmacKey(ref) });
}
