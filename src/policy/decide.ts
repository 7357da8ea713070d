/**
 * The decision on one override under a policy: unsigned requests only where the policy
 * allows them; signed ones must come from a known identity, be signed by the one they name
 * as `by`, be fresh, and be allowed to that identity's roles on this runbook. Nonce reuse
 * within a run is the workflow's to catch (it holds the nonces it has seen). Every refusal
 * says who tried what and why, and how to do it right.
 */
import { allowingRole } from './rules';
import { CLOCK_SKEW_MS, type AuthorizeRequest, type AuthorizeResult, type OverrideAuth, type Policy } from './types';
import { verifySignature } from './verify';

export interface DecideOptions {
  now: number;
  /** Looks up an HMAC identity's `secret://` reference. */
  secret: (ref: string) => Promise<string>;
}

function describeTarget(request: AuthorizeRequest): string {
  return request.target.kind === 'breaker' ? `breaker ${request.target.name}` : `runbook ${request.target.name} (kind ${request.target.kind})`;
}

export async function decide(policy: Policy, request: AuthorizeRequest, opts: DecideOptions): Promise<AuthorizeResult> {
  const by = typeof request.args.by === 'string' ? request.args.by : '?';
  const what = `${by} may not ${request.action} ${describeTarget(request)}`;
  const refuse = (why: string, signed = false): AuthorizeResult => ({ allowed: false, policy: true, signed, refusal: `${what}: ${why}` });
  const auth = request.args.auth as Partial<OverrideAuth> | undefined;

  if (auth === undefined || auth === null) {
    if (policy.unsigned.get(request.action) === true) return { allowed: true, policy: true, signed: false };
    const allowed = [...policy.unsigned].filter(([, ok]) => ok).map(([a]) => a);
    return refuse(
      `unsigned ${request.via === 'signal' ? "signals (such as the Temporal UI's signal form)" : 'requests'} are not allowed for ${request.action} by the access policy ${policy.file}; ` +
        `sign it: genie ${request.action === 'breaker.force' ? 'breaker <verb> <name>' : `${request.action} <id>`} --as <you> --key ~/.genie/<you>.key` +
        ` (unsigned is allowed for: ${allowed.join(', ') || 'nothing'})`,
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
    return refuse('the signature block (args.auth) is malformed: it needs keyId, issuedAt, nonce (8+ characters) and signature');
  }
  if (typeof auth.runId !== 'string' || auth.runId === '') {
    return refuse(
      'the signature names no run (auth.runId), so it could be replayed into a later run of the same id; sign it again with a current genie, which binds each signature to one run',
    );
  }
  const identity = policy.identities.get(auth.keyId);
  if (!identity) return refuse(`unknown identity "${auth.keyId}": it is not in the access policy ${policy.file}`);
  if (auth.keyId !== by) return refuse(`signed with the key of ${auth.keyId}, but the request says it is by ${by}; sign as yourself (--as ${auth.keyId})`);
  let valid: boolean;
  try {
    valid = await verifySignature(identity, request.action, request.workflowId, request.args, auth as OverrideAuth, opts.secret);
  } catch (error) {
    return refuse(`the signature cannot be checked: ${(error as Error).message}`);
  }
  if (!valid)
    return refuse(`bad signature: it does not match ${auth.keyId}'s key for this exact request (action, run, arguments, time and nonce are all signed)`);
  if (auth.runId !== request.runId) {
    return refuse(
      `the request was signed for run ${auth.runId} of ${request.workflowId}, and this is run ${request.runId}: the id was reused by a new run; sign again for this one`,
      true,
    );
  }
  const issued = Date.parse(auth.issuedAt);
  if (Number.isNaN(issued)) return refuse(`issuedAt ${JSON.stringify(auth.issuedAt)} is not a time`);
  const age = opts.now - issued;
  if (age > policy.maxAgeMs)
    return refuse(
      `the request expired: signed ${Math.round(age / 1000)}s ago, longer than the ${Math.round(policy.maxAgeMs / 1000)}s the policy allows; sign a fresh one`,
      true,
    );
  if (age < -CLOCK_SKEW_MS) return refuse(`the request is signed ${Math.round(-age / 1000)}s in the future; check the signer's clock`, true);
  const role = allowingRole(policy, identity, request.action, request.target);
  if (!role) return refuse(`no role of ${identity.name} (${identity.roles.join(', ') || 'none'}) allows ${request.action} on ${describeTarget(request)}`, true);
  return { allowed: true, policy: true, signed: true, nonce: auth.nonce };
}
