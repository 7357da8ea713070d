/**
 * The start rules of the access policy (GENIE_POLICY), checked inside the load activity so the
 * decision is recorded in history with the pinned runbook. Without a policy every start is
 * accepted and the requester is recorded as given (local development).
 */
import { loadPolicy, policyFile } from '../src/policy/load';
import { decideStart, unverifiedRequester } from '../src/policy/start';
import type { StartAuth } from '../src/policy/types';
import type { ResolvedRunbook } from '../src/dsl/types';
import type { StartOutcome } from '../workflows/api';
import { configuredProviders, lookupSecret } from '../src/secrets';
import { earlierUse } from './start-replay';

/** What the workflow passes about a fresh, top-level start (never a child or a continuation: those were authorized already). */
export interface StartInput {
  workflowId: string;
  /** The run's first run id: a signature authorizes one execution chain (activities/start-replay.ts). */
  firstRunId?: string;
  requestedBy: string;
  inline: boolean;
  auth?: StartAuth;
}

export async function authorizeStart(input: StartInput, resolved: ResolvedRunbook, params: Record<string, unknown>): Promise<StartOutcome> {
  const file = policyFile();
  if (!file) return { policy: false };
  const { definition, sha256 } = resolved;
  let policy;
  try {
    policy = loadPolicy(file);
  } catch (error) {
    return {
      policy: true,
      requestedBy: unverifiedRequester(input.requestedBy),
      refusal: `no run is started while the access policy is unusable: ${(error as Error).message}`,
    };
  }
  const decision = await decideStart(
    policy,
    {
      workflowId: input.workflowId,
      runbook: input.inline ? `sha256:${sha256}` : definition.metadata.name,
      inline: input.inline,
      target: { kind: definition.kind, name: definition.metadata.name, labels: (definition.metadata as { labels?: Record<string, string> }).labels ?? {} },
      params,
      requestedBy: input.requestedBy,
      ...(input.auth ? { auth: input.auth } : {}),
    },
    { now: Date.now(), secret: (ref) => lookupSecret(ref.slice('secret://'.length), configuredProviders()) },
  );
  if (decision.allowed && decision.verified && input.auth && input.firstRunId) {
    const used = await earlierUse(input.workflowId, input.firstRunId, input.auth.issuedAt);
    if (used)
      return {
        policy: true,
        requestedBy: decision.requestedBy,
        verified: true,
        refusal: `${decision.requestedBy} may not start runbook ${definition.metadata.name}: ${used}`,
      };
  }
  return {
    policy: true,
    requestedBy: decision.requestedBy,
    verified: decision.verified,
    ...(decision.refusal ? { refusal: decision.refusal } : {}),
    // Recorded with the start, so the run keeps the rule it was started under even if the policy changes.
    ...(!decision.verified && policy.start.unverifiedRequester === 'ignored' ? { unverifiedRequester: 'ignored' as const } : {}),
  };
}
