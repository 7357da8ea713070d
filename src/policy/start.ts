/**
 * The decision on starting a run under a policy. Signed: the signer must be a known identity,
 * be who the request names, sign this exact start (run id, runbook, params) recently, and
 * hold a role whose rule allows `start` on this runbook. Unsigned: only runbooks the policy's
 * start.unsigned rules list (by default every kind but failover and chaos), recorded as
 * started by an unverified requester. Inline definitions only where start.inline allows.
 */
import { allowingRole, ruleAllows } from './rules';
import { CLOCK_SKEW_MS, UNSIGNED_START_REFUSED_KINDS, type Policy, type StartDecision, type StartRequest } from './types';
import { verifyStartSignature } from './verify';

/** How an unsigned requester's name is recorded: never mistaken for the identity it claims. */
export function unverifiedRequester(name: string): string {
  return `${name.slice(0, 64)} (unverified)`;
}

function unsignedAllowed(policy: Policy, request: StartRequest): boolean {
  if (policy.start.unsigned === undefined) return !UNSIGNED_START_REFUSED_KINDS.includes(request.target.kind);
  return policy.start.unsigned.some((rule) => ruleAllows(rule, 'start', request.target));
}

export async function decideStart(
  policy: Policy,
  request: StartRequest,
  opts: { now: number; secret: (ref: string) => Promise<string> },
): Promise<StartDecision> {
  const auth = request.auth;
  const claimed = auth ? String(auth.keyId) : request.requestedBy;
  const target = `runbook ${request.target.name} (kind ${request.target.kind})`;
  const refuse = (requestedBy: string, verified: boolean, why: string): StartDecision => ({
    allowed: false,
    requestedBy,
    verified,
    refusal: `${requestedBy} may not start ${target}: ${why}`,
  });
  if (request.inline && !policy.start.inline) {
    return refuse(
      auth ? claimed : unverifiedRequester(claimed),
      false,
      `the access policy ${policy.file} does not allow runs from inline definitions (start.inline is false); add the runbook to the worker's runbook directory and start it by name, or set start.inline: true`,
    );
  }
  if (!auth) {
    const requestedBy = unverifiedRequester(request.requestedBy);
    if (unsignedAllowed(policy, request)) return { allowed: true, requestedBy, verified: false };
    return refuse(
      requestedBy,
      false,
      `unsigned starts of this runbook are not allowed by the access policy ${policy.file}` +
        `${policy.start.unsigned === undefined ? ` (kinds ${UNSIGNED_START_REFUSED_KINDS.join(', ')} must be signed unless start.unsigned lists them)` : ''}; sign it: genie run ${request.target.name} --as <you> --key ~/.genie/<you>.key`,
    );
  }
  if (
    typeof auth !== 'object' ||
    typeof auth.keyId !== 'string' ||
    typeof auth.signature !== 'string' ||
    typeof auth.issuedAt !== 'string' ||
    typeof auth.nonce !== 'string' ||
    auth.nonce.length < 8
  ) {
    return refuse(
      unverifiedRequester(request.requestedBy),
      false,
      'the signature block (auth) is malformed: it needs keyId, issuedAt, nonce (8+ characters) and signature',
    );
  }
  const identity = policy.identities.get(auth.keyId);
  if (!identity) return refuse(unverifiedRequester(auth.keyId), false, `unknown identity "${auth.keyId}": it is not in the access policy ${policy.file}`);
  if (auth.keyId !== request.requestedBy)
    return refuse(
      unverifiedRequester(request.requestedBy),
      false,
      `signed with the key of ${auth.keyId}, but the request says it is by ${request.requestedBy}`,
    );
  let valid: boolean;
  try {
    valid = await verifyStartSignature(
      identity,
      { workflowId: request.workflowId, runbook: request.runbook, params: request.params, requestedBy: request.requestedBy },
      auth,
      opts.secret,
    );
  } catch (error) {
    return refuse(unverifiedRequester(auth.keyId), false, `the signature cannot be checked: ${(error as Error).message}`);
  }
  if (!valid)
    return refuse(
      unverifiedRequester(auth.keyId),
      false,
      `bad signature: it does not match ${auth.keyId}'s key for this exact start (run id, runbook, params, time and nonce are all signed)`,
    );
  const age = opts.now - Date.parse(auth.issuedAt);
  if (Number.isNaN(age)) return refuse(unverifiedRequester(auth.keyId), false, `issuedAt ${JSON.stringify(auth.issuedAt)} is not a time`);
  if (age > policy.maxAgeMs)
    return refuse(
      auth.keyId,
      true,
      `the request expired: signed ${Math.round(age / 1000)}s ago, longer than the ${Math.round(policy.maxAgeMs / 1000)}s the policy allows`,
    );
  if (age < -CLOCK_SKEW_MS) return refuse(auth.keyId, true, `the request is signed ${Math.round(-age / 1000)}s in the future; check the signer's clock`);
  if (!allowingRole(policy, identity, 'start', request.target)) {
    return refuse(auth.keyId, true, `no role of ${identity.name} (${identity.roles.join(', ') || 'none'}) allows start on ${target}`);
  }
  return { allowed: true, requestedBy: auth.keyId, verified: true };
}
