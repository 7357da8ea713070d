/**
 * What a worker says about its access policy at start. Without one, anyone who can start a
 * workflow may start any runbook and send any override: fine on a laptop, never in a shared
 * deployment, so it is said loudly; GENIE_REQUIRE_POLICY=1 makes it a refusal to start.
 */
import { PolicyError } from './errors';
import { loadPolicy, policyFile } from './load';
import { GenieError } from '../errors/genie-error';

export const NO_POLICY_WARNING =
  'WARNING: no access policy (GENIE_POLICY is unset): anyone who can start a workflow on this task queue may start any runbook ' +
  '(including failover and chaos) and send any override, unsigned. Set GENIE_POLICY for a shared deployment, and GENIE_REQUIRE_POLICY=1 to make this an error.';

export class PolicyRequiredError extends GenieError {
  readonly code = 'POLICY_REQUIRED';
  constructor() {
    super(
      'GENIE_REQUIRE_POLICY=1 but GENIE_POLICY is unset: this worker refuses to start without an access policy; set GENIE_POLICY to the policy file (see README, Security)',
    );
  }
}

let warned = false;

/** Throws PolicyRequiredError or PolicyError (file:line:col) before anything starts; warns when there is no policy. */
export function checkWorkerPolicy(warn: (line: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const file = policyFile(env);
  if (!file) {
    if (env.GENIE_REQUIRE_POLICY === '1') throw new PolicyRequiredError();
    if (!warned) warn(NO_POLICY_WARNING);
    warned = true;
    return;
  }
  // A broken access policy would refuse every start and override; better to say so now, as file:line:col.
  loadPolicy(file);
}

export { PolicyError };
