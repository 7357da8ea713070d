/**
 * What the CLI adds to an override under an access policy: the signature (`--key` or
 * GENIE_KEY), and, when no policy is configured, one plain notice that overrides are
 * accepted from anyone.
 */
import { policyFile } from './load';
import { readKeyFile, signOverride } from './sign';
import type { OverrideAuth } from './types';

export const NO_POLICY_NOTICE = 'no access policy (GENIE_POLICY); overrides are not authorized';

let noticed = false;

/** Prints the notice once per process when GENIE_POLICY is unset. */
export function noticeIfNoPolicy(warn: (line: string) => void): void {
  if (noticed || policyFile()) return;
  noticed = true;
  warn(NO_POLICY_NOTICE);
}

/**
 * The `auth` block for an override, or undefined when no key is given (the request goes
 * unsigned: the policy decides whether that is enough). Signs as `by`: the policy's identity
 * name is what --as says.
 */
export function operatorAuth(keyFile: string | undefined, action: string, workflowId: string, args: Record<string, unknown>): OverrideAuth | undefined {
  const file = keyFile || process.env.GENIE_KEY;
  if (!file) return undefined;
  return signOverride(readKeyFile(file), action, workflowId, args, { keyId: String(args.by) });
}

/**
 * An override a runbook step makes itself (the `breaker.force` action), signed when the
 * worker has an identity of its own in the policy: GENIE_WORKER_IDENTITY names it,
 * GENIE_WORKER_KEY is its key file. Signed, `by` becomes that identity (the signer must be
 * who the request says); otherwise the args come back unchanged (unsigned).
 */
export function signedByWorker<A extends { by: string }>(action: string, workflowId: string, args: A, env: NodeJS.ProcessEnv = process.env): A & { auth?: OverrideAuth } {
  const identity = env.GENIE_WORKER_IDENTITY;
  const file = env.GENIE_WORKER_KEY;
  if (!identity || !file) return args;
  const asWorker = { ...args, by: identity };
  return { ...asWorker, auth: signOverride(readKeyFile(file), action, workflowId, asWorker, { keyId: identity }) };
}
