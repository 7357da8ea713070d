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

/** Which run a signature is for: the workflow id and, looked up only when signing, its first run id. */
export interface SignedRun {
  workflowId: string;
  runId: () => Promise<string>;
}

/**
 * The `auth` block for an override, or undefined when no key is given (the request goes
 * unsigned: the policy decides whether that is enough). Signs as `by`: the policy's identity
 * name is what --as says.
 */
export async function operatorAuth(
  keyFile: string | undefined,
  action: string,
  run: SignedRun,
  args: Record<string, unknown>,
): Promise<OverrideAuth | undefined> {
  const file = keyFile || process.env.GENIE_KEY;
  if (!file) return undefined;
  const key = readKeyFile(file);
  return signOverride(key, action, run.workflowId, args, { keyId: String(args.by), runId: await run.runId() });
}

/**
 * An override a runbook step makes itself (the `breaker.force` action), signed when the
 * worker has an identity of its own in the policy: GENIE_WORKER_IDENTITY names it,
 * GENIE_WORKER_KEY is its key file. Signed, `by` becomes that identity (the signer must be
 * who the request says); otherwise the args come back unchanged (unsigned).
 */
export async function signedByWorker<A extends { by: string }>(
  action: string,
  run: SignedRun,
  args: A,
  env: NodeJS.ProcessEnv = process.env,
): Promise<A & { auth?: OverrideAuth }> {
  const identity = env.GENIE_WORKER_IDENTITY;
  const file = env.GENIE_WORKER_KEY;
  if (!identity || !file) return args;
  const asWorker = { ...args, by: identity };
  const key = readKeyFile(file);
  return { ...asWorker, auth: signOverride(key, action, run.workflowId, asWorker, { keyId: identity, runId: await run.runId() }) };
}
