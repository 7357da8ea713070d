/**
 * The HMAC keys of the access policy, in their own namespace: `hmac: secret://deploy_bot_hmac`
 * reads GENIE_POLICY_KEY_DEPLOY_BOT_HMAC, never the runbook secrets providers
 * (GENIE_SECRET_*, GENIE_SECRETS_FILE/DIR). A runbook can name any runbook secret; were the
 * signing keys among them, a runbook step could send one anywhere and forge overrides.
 */
export const POLICY_KEY_PREFIX = 'GENIE_POLICY_KEY_';

export function policyKeyVariable(name: string): string {
  return POLICY_KEY_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The key for a policy's `secret://<name>`; an Error naming the variable to set when it is missing. */
export async function policyHmacKey(reference: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const name = reference.replace(/^secret:\/\//, '');
  const variable = policyKeyVariable(name);
  const value = env[variable];
  if (!value)
    throw new Error(
      `policy HMAC key ${reference} is not set: define ${variable} in the worker environment (policy keys are never read from GENIE_SECRET_* or the secrets file/directory)`,
    );
  return value;
}
